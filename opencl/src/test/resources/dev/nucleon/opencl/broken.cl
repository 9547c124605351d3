// A kernel that does not compile: OpenClBadInputTest checks the build failure becomes one line naming this file.
__kernel void broken(__global float* y) {
    y[0] = undeclared_variable;
}
