package dev.nucleon.segmentation.io;

import dev.nucleon.nn.io.Json;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259), so the toolkit needs no JSON library: objects, arrays,
 * strings (escaped), numbers and booleans; NaN and infinities are written as {@code null}. Compact
 * output on one line.
 *
 * <pre>
 * new JsonWriter().beginObject().name("mean_ap").value(0.61).endObject().toString()  // {"mean_ap":0.61}
 * </pre>
 */
public final class JsonWriter {
    private final StringBuilder sb = new StringBuilder();
    /** One entry per open container: true while nothing has been written in it yet. */
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean afterName;

    /** {@return this writer, after opening an object} */
    public JsonWriter beginObject() {
        beforeValue();
        sb.append('{');
        first.push(true);
        return this;
    }

    /** {@return this writer, after closing the innermost object} */
    public JsonWriter endObject() {
        first.pop();
        sb.append('}');
        return this;
    }

    /** {@return this writer, after opening an array} */
    public JsonWriter beginArray() {
        beforeValue();
        sb.append('[');
        first.push(true);
        return this;
    }

    /** {@return this writer, after closing the innermost array} */
    public JsonWriter endArray() {
        first.pop();
        sb.append(']');
        return this;
    }

    /**
     * Writes the name of the next member of the current object; its value follows.
     *
     * @param name the member's name (escaped as JSON requires)
     * @return this writer
     */
    public JsonWriter name(String name) {
        comma();
        string(name);
        sb.append(':');
        afterName = true;
        return this;
    }

    /**
     * Writes a string value, escaped.
     *
     * @param s the value; null writes {@code null}
     * @return this writer
     */
    public JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        return this;
    }

    /**
     * Writes a number; NaN and infinities, which JSON cannot hold, are written as {@code null}.
     *
     * @param v the value (integral values keep a {@code .0})
     * @return this writer
     */
    public JsonWriter value(double v) {
        beforeValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            sb.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v).append(".0");
        } else {
            sb.append(Double.toString(v));
        }
        return this;
    }

    /**
     * Writes an integer.
     *
     * @param v the value
     * @return this writer
     */
    public JsonWriter value(long v) {
        beforeValue();
        sb.append(v);
        return this;
    }

    /**
     * Writes {@code true} or {@code false}.
     *
     * @param v the value
     * @return this writer
     */
    public JsonWriter value(boolean v) {
        beforeValue();
        sb.append(v);
        return this;
    }

    /** The JSON text written so far. */
    @Override
    public String toString() {
        return sb.toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
        } else {
            comma();
        }
    }

    private void comma() {
        if (!first.isEmpty()) {
            if (!first.peek()) {
                sb.append(',');
            } else {
                first.pop();
                first.push(false);
            }
        }
    }

    private void string(String s) {
        sb.append(Json.quote(s));
    }
}
