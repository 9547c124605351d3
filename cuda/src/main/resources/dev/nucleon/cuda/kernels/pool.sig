avg_pool_backward b8[52] u64 u64 u64
avg_pool_forward b8[52] u64 u64 u64
max_pool_backward b8[52] u64 u64 u64 u64
max_pool_forward b8[52] u64 u64 u64
upsample_backward u32 u32 u32 u32 u64 u64 u64
upsample_forward u32 u32 u32 u32 u64 u64 u64
