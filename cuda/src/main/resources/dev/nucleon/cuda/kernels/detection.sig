nms_mask u64 u64 u32 u32 u32 f32 u64 u64
roi_align_backward u64 u64 u64 u32 u32 u32 u32 u32 f32 u32 u32 u64
roi_align_forward u64 u64 u64 u32 u32 u32 u32 u32 f32 u32 u32 u64
