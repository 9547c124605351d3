fill_random u32 u64 f32 f32 u64 u64
unary_backward u32 f32 f32 u64 u64 u64 u64 u64
unary_forward u32 f32 f32 u64 u64 u64
