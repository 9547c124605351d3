nll_loss u64 u64 u64 u64 u64 u32 u32
nll_loss_backward u64 u64 u64 u64 u64 u32 u32
reduce_columns u32 b8[104] b8[104] u64 u64 u64 u64
reduce_partials u32 u64 u64 u64 u32
reduce_rows u32 b8[104] b8[104] u64 u64 u64 u64
reduce_rows_split u32 b8[104] b8[104] u64 u64 u64 u64 u32
softmax_backward_lines u64 u64 u64 u64 u32 u32 u32
softmax_backward_rows u64 u64 u64 u64 u32 u32
softmax_lines u64 u64 u64 u32 u32 u32
softmax_rows u64 u64 u64 u32 u32
