// Backend.reduce: sum or max of x over the axes where the output has size 1.
//
// Algorithm: one work-item per output element walks every input element that lands on it, in row-major order of
// the reduced axes (an odometer over the `reduced` Walk, no divisions in the inner loop), accumulating in acc_t
// (double where the device has it, as the reference does). `kept`: the output's axes with x's strides (stride0);
// `reduced`: the reduced axes with x's strides (stride0). Simple and exact; a tree reduction across a work-group
// is the step to take when few outputs each read many inputs (a full sum on a GPU).

enum Reduce { SUM, MAX };

__kernel void reduce_outputs(int op, const Walk kept, const Walk reduced, __global const float* x,
                             __global float* out, long outputs, long count) {
    long o = get_global_id(0);
    if (o >= outputs) return;
    long base, unused;
    offsets_of(&kept, o, &base, &unused);
    int rank = (int)reduced.rank;
    long index[MAX_RANK];
    for (int d = 0; d < MAX_RANK; d++) index[d] = 0;
    long position = base;
    acc_t sum = 0;
    float largest = -INFINITY;
    for (long step = 0; step < count; step++) {
        float v = x[position];
        if (op == SUM) {
            sum += v;
        } else {
            largest = java_max(largest, v);
        }
        for (int d = rank - 1; d >= 0; d--) { // advance the odometer: last axis fastest
            index[d]++;
            position += reduced.stride0[d];
            if (index[d] < reduced.size[d]) break;
            position -= reduced.size[d] * reduced.stride0[d];
            index[d] = 0;
        }
    }
    out[o] = op == SUM ? (float)sum : largest;
}
