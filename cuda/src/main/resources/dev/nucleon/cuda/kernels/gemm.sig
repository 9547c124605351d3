sgemm_large_nn u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_large_nt u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_large_tn u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_large_tt u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_small_nn u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_small_nt u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_small_tn u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
sgemm_small_tt u32 u32 u32 u64 u64 u64 u64 u64 u32 u32
