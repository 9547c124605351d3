conv_backward_data_large b8[64] u64 u64 u64
conv_backward_data_small b8[64] u64 u64 u64
conv_backward_weight_large b8[64] u64 u64 u64 u32
conv_backward_weight_small b8[64] u64 u64 u64 u32
conv_forward_large b8[64] u64 u64 u64 u64
conv_forward_small b8[64] u64 u64 u64 u64
splitk_sum u64 u32 u64 u64
