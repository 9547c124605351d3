package dev.nucleon.segmentation.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: a field holding a comma, a double quote, a carriage return or a
 * line feed is enclosed in double quotes, and each double quote inside it is doubled
 * ({@code say "hi", twice} → {@code "say ""hi"", twice"}); any other field is written as it is. Records end in
 * {@code \n} (RFC 4180 names CRLF; every CSV reader we know accepts both, and the files stay diff-friendly).
 *
 * <pre>
 * Csv.row("image", "nuclei")          // image,nuclei
 * Csv.row("d1/a,b.png", "12")         // "d1/a,b.png",12
 * Csv.records("\"a\"\"b\",1\n")       // [[a"b, 1]]
 * </pre>
 */
public final class Csv {

    private Csv() {
    }

    /**
     * {@return one field, quoted when it must be (it holds a comma, a quote or a line break; quotes doubled)}
     *
     * @param value the field's text; null: empty
     */
    public static String field(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /**
     * {@return one record: the fields, each through {@link #field}, joined by commas, ending in {@code \n}}
     *
     * @param fields the record's fields, in order
     */
    public static String row(String... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(field(fields[i]));
        }
        return sb.append('\n').toString();
    }

    /**
     * Parses CSV text into records of fields: quoted fields may hold commas, doubled quotes and line breaks;
     * records end in LF or CRLF; a final line break is optional; blank lines are skipped.
     *
     * @param text CSV text
     * @return the records, each a list of its fields (unquoted)
     * @throws IllegalArgumentException on a quote left open, or text after a closing quote, naming the line
     */
    public static List<List<String>> records(CharSequence text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int line = 1, n = text.length(), i = 0;
        boolean any = false; // the current record has content
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && f.isEmpty()) {
                int start = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("CSV line " + start + ": quoted field not closed");
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        if (q == '\n') {
                            line++;
                        }
                        f.append(q);
                    }
                }
                any = true;
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new IllegalArgumentException("CSV line " + line + ": text after a closing quote");
                }
                continue;
            }
            if (c == ',') {
                record.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (any || !f.isEmpty()) {
                    record.add(f.toString());
                    records.add(record);
                }
                record = new ArrayList<>();
                f.setLength(0);
                any = false;
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
            } else {
                f.append(c);
                any = true;
            }
            i++;
        }
        if (any || !f.isEmpty()) {
            record.add(f.toString());
            records.add(record);
        }
        return records;
    }
}
