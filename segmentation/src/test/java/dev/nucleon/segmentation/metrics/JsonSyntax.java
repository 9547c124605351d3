package dev.nucleon.segmentation.metrics;

/** A strict little JSON syntax checker for tests (RFC 8259 values; no extensions). */
public final class JsonSyntax {
    private final String s;
    private int i;

    private JsonSyntax(String s) {
        this.s = s;
    }

    /** Throws IllegalArgumentException at the first syntax error. */
    public static void check(String json) {
        JsonSyntax p = new JsonSyntax(json);
        p.ws();
        p.value();
        p.ws();
        if (p.i != json.length()) {
            throw p.error("trailing text");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at " + i + ": "
                + s.substring(Math.max(0, i - 20), Math.min(s.length(), i + 20)));
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private void value() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        if (c == '{') {
            i++;
            ws();
            if (peek('}')) {
                i++;
                return;
            }
            while (true) {
                ws();
                string();
                ws();
                expect(':');
                ws();
                value();
                ws();
                if (peek(',')) {
                    i++;
                } else {
                    expect('}');
                    return;
                }
            }
        } else if (c == '[') {
            i++;
            ws();
            if (peek(']')) {
                i++;
                return;
            }
            while (true) {
                ws();
                value();
                ws();
                if (peek(',')) {
                    i++;
                } else {
                    expect(']');
                    return;
                }
            }
        } else if (c == '"') {
            string();
        } else if (s.startsWith("true", i)) {
            i += 4;
        } else if (s.startsWith("false", i)) {
            i += 5;
        } else if (s.startsWith("null", i)) {
            i += 4;
        } else {
            number();
        }
    }

    private void number() {
        int start = i;
        if (peek('-')) {
            i++;
        }
        if (peek('0')) {
            i++;
        } else {
            digits();
        }
        if (peek('.')) {
            i++;
            digits();
        }
        if (peek('e') || peek('E')) {
            i++;
            if (peek('+') || peek('-')) {
                i++;
            }
            digits();
        }
        if (i == start) {
            throw error("value expected");
        }
    }

    private void digits() {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            throw error("digit expected");
        }
    }

    private void string() {
        expect('"');
        while (i < s.length() && s.charAt(i) != '"') {
            if (s.charAt(i) < 0x20) {
                throw error("control character in string");
            }
            if (s.charAt(i) == '\\') {
                i++;
            }
            i++;
        }
        expect('"');
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
        i++;
    }
}
