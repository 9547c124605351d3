adam_update u64 u64 u64 u64 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 u64
binary_broadcast u32 b8[168] u64 u64 u64 u64
binary_same_shape u32 u64 u64 u64 u64
fill_random u32 u64 f32 f32 u64 u64
sgd_update u64 u64 u64 f32 f32 f32 f32 u32 u32 u64
unary_backward u32 f32 f32 u64 u64 u64 u64 u64
unary_forward u32 f32 f32 u64 u64 u64
