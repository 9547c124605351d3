copy_region b8[168] u64 u64 u64 u64 u64 u32
permute b8[104] u64 u64 u64
