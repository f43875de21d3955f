package dev.warden.policy;

import dev.warden.policy.yaml.Mark;
import java.util.ArrayList;
import java.util.List;

/** The problems found in one policy file so far. */
final class Problems {

  private final String file;
  private final List<Problem> list = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  void add(Mark mark, String message) {
    list.add(new Problem(file, mark, message));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<Problem> list() {
    return List.copyOf(list);
  }
}
