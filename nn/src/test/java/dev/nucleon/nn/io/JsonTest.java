package dev.nucleon.nn.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesTheSubsetWeUse() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5e2], \"b\": \"x\\\"y\\\\\\u00e9\\n\", \"c\": true, \"d\": null, \"e\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, ((Json.Number) a.get(0)).longValueExact());
        assertEquals(-2L, ((Json.Number) a.get(1)).longValueExact());
        assertEquals(350.0, ((Json.Number) a.get(2)).doubleValue());
        assertThrows(NumberFormatException.class, () -> ((Json.Number) a.get(2)).longValueExact());
        assertEquals("x\"y\\é\n", m.get("b"));
        assertEquals(Boolean.TRUE, m.get("c"));
        assertSame(Json.NULL, m.get("d"));
        assertEquals(Map.of(), m.get("e"));
        assertThrows(ArithmeticException.class, () -> new Json.Number("99999999999999999999").longValueExact());
    }

    @Test
    void refusesWhatJsonDoesNotAllow() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1}x", "{\"a\":NaN}",
                "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}", "[1.]", "-", "{a:1}",
                "[".repeat(100) + "]".repeat(100)}) {
            assertThrows(Json.SyntaxException.class, () -> Json.parse(bad), bad);
        }
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse("{\"k\":1,\"k\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"k\""), e.getMessage());
        assertEquals(7, e.offset());
    }

    @Test
    void quoteRoundTrips() {
        String s = "tab\t quote\" back\\ nl\n ctrl\u0002 é ∑";
        assertEquals(s, Json.parse(Json.quote(s)));
        assertEquals("\"a\\u0002\"", Json.quote("a\u0002"));
    }
}
