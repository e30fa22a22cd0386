% kron_large: kron(A, B) with A, B 100x100 -> 10000x10000 (800 MB of float64 written)
rand("seed", 1);
A = rand(100, 100);
B = rand(100, 100);
C = kron(A, B);             % warm-up at full size (first touch of fresh memory is slow on some VMs)
clear C;
t0 = tic;
C = kron(A, B);
t = toc(t0);
assert(abs(C(101, 1) - A(2,1)*B(1,1)) < 1e-15);
clear C;
printf("RESULT kron_large:formed %.6f\n", t);
