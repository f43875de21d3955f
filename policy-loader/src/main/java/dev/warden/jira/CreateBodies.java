package dev.warden.jira;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a create body says about where it goes. The project out of a create-issue body: {@code
 * fields.project.key} or {@code fields.project.id}, and for a bulk create the same in every {@code
 * issueUpdates[i]}. Streaming, so a large body costs no tree.
 */
final class CreateBodies {

  /** Bodies larger than this are not read: their project is unknown. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** A service desk id longer than this is not one: it is not audited. */
  static final int MAX_ID_CHARS = 255;

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private CreateBodies() {}

  /** The projects of a {@code createIssue} ({@code bulk == false}) or {@code createIssues} body. */
  static ProjectRefs projects(byte[] body, boolean bulk) {
    if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
      return ProjectRefs.UNKNOWN;
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return ProjectRefs.UNKNOWN;
      }
      List<String> found = new ArrayList<>(bulk ? 8 : 1);
      boolean complete = bulk ? readBulk(parser, found) : readIssue(parser, found);
      ProjectRefs refs = ProjectRefs.of(found);
      return complete ? refs : new ProjectRefs(refs.values(), false);
    } catch (IOException | RuntimeException e) {
      return ProjectRefs.UNKNOWN;
    }
  }

  /**
   * Reads one issue object (parser on its START_OBJECT); whether it named a project. A field given
   * twice counts as Jira binds it, the last one; a {@code fields} or {@code project} that is not an
   * object leaves the project unknown.
   */
  private static boolean readIssue(JsonParser parser, List<String> found) throws IOException {
    List<String> project = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("fields".equals(name)) {
        project = value == JsonToken.START_OBJECT ? readFields(parser) : null;
      }
      parser.skipChildren();
    }
    if (project != null && !project.isEmpty()) {
      found.addAll(project);
      return true;
    }
    return false;
  }

  private static List<String> readFields(JsonParser parser) throws IOException {
    List<String> project = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("project".equals(name)) {
        project = value == JsonToken.START_OBJECT ? readProject(parser) : null;
      }
      parser.skipChildren();
    }
    return project;
  }

  /**
   * Both the key and the id a project object names: which one Jira takes when it is given both is
   * not Warden's to guess, so a rule must allow both.
   */
  private static List<String> readProject(JsonParser parser) throws IOException {
    String key = null;
    String id = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("key".equals(name) || "id".equals(name)) {
        String text =
            value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
        if (text != null && text.isBlank()) {
          text = null;
        }
        if ("key".equals(name)) {
          key = text;
        } else {
          id = text;
        }
      }
      parser.skipChildren();
    }
    List<String> out = new ArrayList<>(2);
    if (key != null) {
      out.add(key);
    }
    if (id != null) {
      out.add(id);
    }
    return out;
  }

  /**
   * The {@code serviceDeskId} of a Service Management request body ({@code POST
   * /rest/servicedeskapi/request}: {@code {"serviceDeskId": "10", "requestTypeId": "25", ...}}): an
   * id, or a project's id or key, which Service Management also takes; {@code null} when it has
   * none or cannot be read.
   */
  static String serviceDeskId(byte[] body) {
    if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("serviceDeskId".equals(name)
            && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
          String text = parser.getText().strip();
          return text.isEmpty() || text.length() > MAX_ID_CHARS ? null : text;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Reads a bulk body (parser inside the top-level object); whether every issue named a project.
   */
  private static boolean readBulk(JsonParser parser, List<String> found) throws IOException {
    boolean complete = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("issueUpdates".equals(name) && value == JsonToken.START_ARRAY) {
        complete = true;
        int issues = 0;
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY && element != null) {
          issues++;
          if (element != JsonToken.START_OBJECT || !readIssue(parser, found)) {
            parser.skipChildren();
            complete = false;
          }
        }
        complete &= issues > 0;
      } else {
        parser.skipChildren();
      }
    }
    return complete;
  }
}
