package com.acme.http;

import com.acme.Step;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The team's small HTTP wrapper: one call in, what the application saw out. */
public interface JiraHttp {

  Result send(Step step) throws Exception;

  /** The response fields a test looks at: Warden's, Jira's rate limits, and a few of HTTP's. */
  static Map<String, String> interesting(Map<String, List<String>> fields) {
    Map<String, String> out = new TreeMap<>();
    fields.forEach(
        (name, values) -> {
          if (name == null || values == null || values.isEmpty()) {
            return;
          }
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.startsWith("x-warden-")
              || lower.startsWith("x-ratelimit")
              || lower.equals("retry-after")
              || lower.equals("content-type")
              || lower.equals("location")) {
            out.put(lower, values.get(values.size() - 1));
          }
        });
    return out;
  }
}
