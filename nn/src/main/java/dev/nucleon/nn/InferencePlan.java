package dev.nucleon.nn;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reuses activation memory during inference: each intermediate activation is handed back to its backend
 * ({@link Tensor#release()}) as soon as its last reader has run, so the next layer's output reuses the memory
 * instead of allocating fresh arrays. The network's code knows nothing of it: its forward reads like the paper's
 * diagram, and the plan learns the readers by watching.
 *
 * <p><b>How.</b> {@link #attach} puts the plan around the network's root {@link Module#forward}
 * ({@link ForwardHooks#attach}). On the first forward pass without gradients the plan traces the network once on a
 * small input of zeros (one sample; height and width the smallest powers of two the network accepts, else the
 * input's own), seeing two things:
 * <ul>
 *   <li><i>module boundaries</i>: every child's forward call with its input and its output ({@link ForwardHooks}),
 *       numbered 0, 1, 2, … in call order — the places where the plan can act and the tensors it can hold;</li>
 *   <li><i>ops</i>: every core op between them with its inputs and output ({@link Autograd#observe}), including
 *       the additions and concatenations a network does in its own code.</li>
 * </ul>
 * For each storage an op produced (views share their source's storage) it notes the last boundary before the
 * storage's last read; the plan releases that storage at the next boundary, through the first tensor holding it
 * that crossed a boundary. It never releases the pass's input, its result, a parameter or a buffer, or a
 * storage no boundary showed (an op's temporary inside one layer). Later passes only count boundaries and
 * release what the schedule says: a few array reads per forward call, no op observer (which would stop the
 * backends' in-place read of concatenated parts).
 *
 * <p><b>When.</b> Only without gradients, with no op observer and no thread {@link ForwardHooks#with hook}
 * installed (graph export, the summary): then nothing else can still hold an activation. With gradients
 * (training) the forward runs untouched, every intermediate kept for backward.
 *
 * <p><b>Assumption.</b> The sequence of forward calls does not depend on the input's values or size (true of
 * every network in Nucleon; ONNX export assumes the same). Each pass checks it, boundary by boundary: on another
 * module, direction or number of tensors than the trace showed, the pass stops releasing and the plan switches
 * itself off (later passes keep every activation until the garbage collector takes it, as without a plan).
 */
public final class InferencePlan implements ForwardHooks.ForwardHook {

    private final Module root;
    private volatile Schedule schedule;
    /** Set when no trace worked or a pass went another way than the trace: the plan then stays off. */
    private volatile boolean off;

    private InferencePlan(Module root) {
        this.root = root;
    }

    /**
     * Attaches a plan to {@code model}'s forward (see the class comment), replacing any hook attached before.
     * Call it before threads use the model; the first forward pass without gradients traces it.
     *
     * @param model the network's root module
     * @return the plan
     */
    public static InferencePlan attach(Module model) {
        InferencePlan plan = new InferencePlan(model);
        ForwardHooks.attach(model, plan);
        return plan;
    }

    /**
     * {@return the plan attached to {@code model}, or null}
     *
     * @param model a module
     */
    public static InferencePlan of(Module model) {
        return ForwardHooks.attached(model) instanceof InferencePlan p ? p : null;
    }

    /**
     * Removes the plan attached to {@code model}, if any: later passes keep every activation until the garbage
     * collector takes it.
     *
     * @param model a module
     */
    public static void detach(Module model) {
        if (of(model) != null) {
            ForwardHooks.attach(model, null);
        }
    }

    /** {@return how many storages each pass releases: −1 before the first pass without gradients, 0 when off} */
    public int releasesPerPass() {
        Schedule s = schedule;
        return off ? 0 : s == null ? -1 : s.releaseCount;
    }

    @Override
    public Tensor around(Module module, Tensor x, Supplier<Tensor> compute) {
        if (module != root || off || Autograd.isGradEnabled() || Autograd.isObserved()) {
            return compute.get();
        }
        Schedule s = schedule(x);
        if (s == null) { // no trace worked: when the input itself does, trace no more (the plan stays off)
            Tensor y = compute.get();
            off = true;
            return y;
        }
        Pass pass = new Pass(s, x);
        pass.event(module, true, x);
        Tensor y = ForwardHooks.with(pass, compute);
        pass.event(module, false, y);
        if (pass.diverged) {
            off = true;
        }
        return y;
    }

    /** A forward over parts keeps the in-place read (and is not planned: the plan traces whole inputs). */
    @Override
    public boolean readsPartsInPlace() {
        return true;
    }

    // ----- tracing ----------------------------------------------------------------------------------------

    private synchronized Schedule schedule(Tensor x) {
        if (schedule == null && !off) {
            schedule = trace(x);
        }
        return schedule;
    }

    /** The schedule from a pass on the smallest input of x's kind that the network accepts, or null. */
    private Schedule trace(Tensor x) {
        for (int[] shape : traceShapes(x.shape())) {
            Tensor probe = Tensor.zeros(x.backend(), shape);
            Recorder r = new Recorder();
            Tensor y;
            try (var observed = Autograd.observe(r::onOp)) {
                y = ForwardHooks.with(r, () -> root.forward(probe));
            } catch (RuntimeException e) { // too small for the network: try the next size
                continue;
            }
            return r.schedule(probe, y, root);
        }
        return null;
    }

    /** (1, C, h, w) for h, w = 1, 2, 4, … capped at H and W, then x's own shape; other ranks: x's shape. */
    private static List<int[]> traceShapes(int[] s) {
        List<int[]> out = new ArrayList<>();
        if (s.length == 4) {
            for (int side = 1; side < Math.max(s[2], s[3]); side *= 2) {
                out.add(new int[] {1, s[1], Math.min(side, s[2]), Math.min(side, s[3])});
            }
            out.add(new int[] {1, s[1], s[2], s[3]});
        }
        out.add(s.clone());
        return out;
    }

    /** What each boundary expects (module, entering or leaving, how many tensors), and what to release there. */
    private static final class Schedule {
        final Module[] modules;
        final boolean[] entering;
        final int[] arity;
        /** Per boundary, the (boundary, position) of each tensor to release there. */
        final int[][] releaseBoundary;
        final int[][] releasePosition;
        final int releaseCount;

        Schedule(Module[] modules, boolean[] entering, int[] arity, int[][] releaseBoundary, int[][] releasePosition,
                int releaseCount) {
            this.modules = modules;
            this.entering = entering;
            this.arity = arity;
            this.releaseBoundary = releaseBoundary;
            this.releasePosition = releasePosition;
            this.releaseCount = releaseCount;
        }
    }

    /** Numbers the boundaries of one pass: entering and leaving each forward call. */
    private abstract static class Boundaries implements ForwardHooks.ForwardHook {
        int current = -1;

        abstract void event(Module module, boolean entering, Tensor... tensors);

        @Override
        public Tensor around(Module module, Tensor input, Supplier<Tensor> compute) {
            event(module, true, input);
            Tensor y = compute.get();
            event(module, false, y);
            return y;
        }

        @Override
        public boolean readsPartsInPlace() {
            return true;
        }

        @Override
        public Tensor aroundConcat(Module module, Tensor[] parts, Supplier<Tensor> compute) {
            event(module, true, parts.clone());
            Tensor y = compute.get();
            event(module, false, y);
            return y;
        }
    }

    /** The tracing pass: boundaries and ops, and for each storage its last use. */
    private static final class Recorder extends Boundaries {
        final List<Module> modules = new ArrayList<>();
        final List<Boolean> entering = new ArrayList<>();
        final List<Integer> arity = new ArrayList<>();
        final Map<Storage, Use> uses = new IdentityHashMap<>();

        /** One storage: produced by an op of this pass, last touched after boundary {@code last}, first shown at. */
        static final class Use {
            boolean produced;
            int last = -1;
            int boundary = -1;
            int position = -1;
        }

        @Override
        void event(Module module, boolean enter, Tensor... tensors) {
            current++;
            modules.add(module);
            entering.add(enter);
            arity.add(tensors.length);
            for (int i = 0; i < tensors.length; i++) {
                Use u = use(tensors[i]);
                if (u.boundary < 0) {
                    u.boundary = current;
                    u.position = i;
                }
            }
        }

        void onOp(Object op, Tensor output, Tensor[] inputs) {
            for (Tensor t : inputs) {
                if (t != null) {
                    use(t);
                }
            }
            use(output).produced = true;
        }

        private Use use(Tensor t) {
            Use u = uses.computeIfAbsent(t.storage(), k -> new Use());
            u.last = current;
            return u;
        }

        Schedule schedule(Tensor input, Tensor result, Module root) {
            Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.add(input.storage());
            kept.add(result.storage());
            root.namedParameters().values().forEach(p -> kept.add(p.value().storage()));
            root.namedBuffers().values().forEach(b -> kept.add(b.value().storage()));
            int n = current + 1;
            List<List<int[]>> at = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                at.add(new ArrayList<>());
            }
            int count = 0;
            for (Map.Entry<Storage, Use> e : uses.entrySet()) {
                Use u = e.getValue();
                if (u.produced && u.boundary >= 0 && u.last + 1 < n && !kept.contains(e.getKey())) {
                    at.get(u.last + 1).add(new int[] {u.boundary, u.position});
                    count++;
                }
            }
            int[][] boundary = new int[n][];
            int[][] position = new int[n][];
            for (int i = 0; i < n; i++) {
                List<int[]> list = at.get(i);
                boundary[i] = new int[list.size()];
                position[i] = new int[list.size()];
                for (int j = 0; j < list.size(); j++) {
                    boundary[i][j] = list.get(j)[0];
                    position[i][j] = list.get(j)[1];
                }
            }
            boolean[] enter = new boolean[n];
            for (int i = 0; i < n; i++) {
                enter[i] = entering.get(i);
            }
            return new Schedule(modules.toArray(new Module[0]), enter, arity.stream().mapToInt(Integer::intValue).toArray(),
                    boundary, position, count);
        }
    }

    /** A planned pass: holds the tensors shown at each boundary and releases what the schedule says. */
    private static final class Pass extends Boundaries {
        final Schedule schedule;
        final Storage input;
        final Tensor[][] shown;
        boolean diverged;

        Pass(Schedule schedule, Tensor input) {
            this.schedule = schedule;
            this.input = input.storage();
            this.shown = new Tensor[schedule.modules.length][];
        }

        @Override
        void event(Module module, boolean entering, Tensor... tensors) {
            current++;
            if (diverged) {
                return;
            }
            if (current >= shown.length || schedule.modules[current] != module
                    || schedule.entering[current] != entering || schedule.arity[current] != tensors.length) {
                diverged = true;
                return;
            }
            shown[current] = tensors;
            int[] boundaries = schedule.releaseBoundary[current];
            int[] positions = schedule.releasePosition[current];
            for (int i = 0; i < boundaries.length; i++) {
                Tensor t = shown[boundaries[i]][positions[i]];
                if (!t.requiresGrad() && t.gradNode() == null && t.storage() != input) {
                    t.release();
                }
            }
        }
    }
}
