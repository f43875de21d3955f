package dev.warden.policy;

import dev.warden.policy.yaml.Mark;

/**
 * One thing wrong (or, as a warning, likely wrong) with a policy file, printed {@code
 * FILE:LINE:COLUMN: message}.
 *
 * @param file the file as given
 * @param mark where in it
 * @param message what is wrong and what to write instead
 */
public record Problem(String file, Mark mark, String message) {

  @Override
  public String toString() {
    return file + ":" + mark.line() + ":" + mark.column() + ": " + message;
  }
}
