package dev.warden.testapps.fakejira;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing responses, and Jira's error shape. */
final class Responses {

  static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  static void json(Response response, Callback callback, int status, Object body) {
    response.setStatus(status);
    response.getHeaders().put("Content-Type", "application/json;charset=UTF-8");
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  static void empty(Response response, Callback callback, int status) {
    response.setStatus(status);
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  static void text(
      Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put("Content-Type", contentType);
    }
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  /** Jira's error body: {@code {"errorMessages":[...],"errors":{...}}}. */
  static Map<String, Object> error(String message) {
    return Map.of("errorMessages", List.of(message), "errors", Map.of());
  }

  static Map<String, Object> fieldError(String field, String message) {
    return Map.of("errorMessages", List.of(), "errors", Map.of(field, message));
  }
}
