//! [`coded_enum!`]: the boilerplate of an enum whose discriminant is its code on the wire and in
//! the hardware (its position in declaration order), written once. Counters, drop reasons,
//! endpoint states, flag classes and link counters are such enums.

/// Declares `pub enum $name` (`Copy`, `Eq`, `Ord`, `Hash`, `Debug`, `#[repr(u8)]`) whose
/// variants are numbered 0, 1, … in declaration order, each with the name outputs use, and:
///
/// * `ALL`: every variant, in code order (`ALL[i] as usize == i`, checked at compile time);
/// * `COUNT`: how many there are;
/// * `name(self)`: the name given after `=>`;
/// * `from_bits(u8)`: the variant of a code, `None` beyond the last.
///
/// Attributes before the enum and before each variant (docs, `#[derive(Default)]` with a
/// `#[default]` variant) pass through.
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $label:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every variant, in code order.
            pub const ALL: [$name; [$(stringify!($variant)),*].len()] = [$($name::$variant),*];
            /// Number of variants.
            pub const COUNT: usize = Self::ALL.len();

            /// The name used in JSON, tables and text.
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)*
                }
            }

            /// The variant whose code is `b`.
            pub const fn from_bits(b: u8) -> Option<$name> {
                if (b as usize) < Self::COUNT {
                    Some(Self::ALL[b as usize])
                } else {
                    None
                }
            }
        }

        const _: () = {
            let mut i = 0;
            while i < $name::COUNT {
                assert!($name::ALL[i] as usize == i);
                i += 1;
            }
        };
    };
}
