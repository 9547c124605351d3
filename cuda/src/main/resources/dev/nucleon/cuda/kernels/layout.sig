copy_region b8[100] u64 u64 u64 u64 u64 u32
permute b8[68] u64 u64 u64
