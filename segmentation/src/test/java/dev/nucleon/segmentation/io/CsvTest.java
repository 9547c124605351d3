package dev.nucleon.segmentation.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void fieldsWithCommaQuoteOrLineBreakAreQuotedAndQuotesDoubled() {
        assertEquals("plain", Csv.field("plain"));
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.field("two\nlines"));
        assertEquals("\"cr\rhere\"", Csv.field("cr\rhere"));
        assertEquals("", Csv.field(null));
        assertEquals("d1/a.png,3,\"x,\"\"y\"\"\"\n", Csv.row("d1/a.png", "3", "x,\"y\""));
    }

    @Test
    void recordsRoundTripEveryAwkwardField() {
        List<String> fields = List.of("a,b", "q\"uote", "line\nbreak", "crlf\r\nx", "", "plain", " spaced ");
        String text = Csv.row("image", "nuclei") + Csv.row(fields.toArray(String[]::new)) + "\r\n" + Csv.row("z", "1");
        List<List<String>> records = Csv.records(text);
        assertEquals(List.of(List.of("image", "nuclei"), fields, List.of("z", "1")), records);
        assertEquals(List.of(List.of("a", "", "")), Csv.records("a,,"));
        assertEquals(List.of(List.of("a", "b")), Csv.records("a,b"));
    }

    @Test
    void brokenQuotingNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.records("a\n\"open,x\n"));
        assertEquals("CSV line 2: quoted field not closed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Csv.records("\"a\"b,1"));
        assertEquals("CSV line 1: text after a closing quote", e.getMessage());
    }
}
