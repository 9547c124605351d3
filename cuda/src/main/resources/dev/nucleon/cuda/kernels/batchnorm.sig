batchnorm_backward_input u64 u64 u32 u32 u32 u64 u64 u64 u64 u64 u32 u64
batchnorm_backward_sums u64 u64 u32 u32 u32 u64 u64 u64 u64
batchnorm_forward u64 u32 u32 u32 u64 u64 u64 u64 u64
batchnorm_statistics u64 u32 u32 u32 u64 u64
