package dev.warden.testapps;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds steps for the sample application's steps file. */
public final class Steps {

  private Steps() {}

  /**
   * A call made by {@code as} ({@code sync}, {@code triage}, {@code reports}, or {@code null} for
   * the main class).
   */
  public static Map<String, Object> call(String as, String method, String url) {
    Map<String, Object> step = new LinkedHashMap<>();
    if (as != null) {
      step.put("as", as);
    }
    step.put("method", method);
    step.put("url", url);
    return step;
  }

  public static Map<String, Object> withHeader(
      Map<String, Object> step, String name, String value) {
    @SuppressWarnings("unchecked")
    Map<String, String> headers =
        (Map<String, String>)
            step.computeIfAbsent("headers", k -> new LinkedHashMap<String, String>());
    headers.put(name, value);
    return step;
  }

  public static Map<String, Object> withBody(Map<String, Object> step, String body) {
    step.put("body", body);
    return step;
  }

  public static Map<String, Object> with(Map<String, Object> step, String key, Object value) {
    step.put(key, value);
    return step;
  }

  public static Map<String, Object> touchFile(String path) {
    return new LinkedHashMap<>(Map.of("touchFile", path));
  }

  public static Map<String, Object> awaitFile(String path) {
    return new LinkedHashMap<>(Map.of("awaitFile", path));
  }

  /** A create body for a project. */
  public static String create(String project, String summary) {
    return "{\"fields\":{\"project\":{\"key\":\""
        + project
        + "\"},\"summary\":\""
        + summary
        + "\",\"issuetype\":{\"name\":\"Task\"}}}";
  }
}
