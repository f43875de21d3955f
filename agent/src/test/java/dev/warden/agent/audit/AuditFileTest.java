package dev.warden.agent.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.audit.AuditLosses.Reason;
import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final AuditLosses losses = new AuditLosses();
  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  Log previous;
  AuditFile file;

  @BeforeEach
  void captureLog() {
    previous = Log.get();
    Log.set(new Log(new PrintStream(logged, true, UTF_8), Level.INFO, System::nanoTime));
  }

  @AfterEach
  void restoreLog() {
    if (file != null) {
      file.close(5);
    }
    Log.set(previous);
  }

  /** The file and its rotations, oldest first. */
  static List<Path> files(Path path) throws IOException {
    List<Path> rotated = new ArrayList<>();
    for (int n = 1; Files.exists(path.resolveSibling(path.getFileName() + "." + n)); n++) {
      rotated.add(0, path.resolveSibling(path.getFileName() + "." + n));
    }
    if (Files.exists(path)) {
      rotated.add(path);
    }
    return rotated;
  }

  static List<String> lines(List<Path> files) throws IOException {
    List<String> all = new ArrayList<>();
    for (Path file : files) {
      all.addAll(Files.readAllLines(file, UTF_8));
    }
    return all;
  }

  @Test
  void rotatesUnderConcurrentWritersAndLosesNoRecordNorSplitsOne() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    long max = 64 * 1024;
    file = AuditFile.open(path, new AuditFile.Limits(max, 1000), losses);
    int threads = 4;
    int each = 2000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread writer =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  file.write(
                      AuditRecordingTest.record(null),
                      new String[] {"trace", thread + "-" + i, null});
                }
              });
      writer.start();
      writers.add(writer);
    }
    start.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    file.close(10);
    file = null;

    List<Path> files = files(path);
    assertThat(files).hasSizeGreaterThan(10);
    for (Path one : files) {
      assertThat(Files.size(one)).as("size of %s", one).isLessThanOrEqualTo(max);
    }
    List<String> lines = lines(files);
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode record = JSON.readTree(line);
      assertThat(record.path("name").asText()).isEqualTo("DELETE /rest/api/2/issue/{issueIdOrKey}");
      ids.add(record.path("span_id").asText());
    }
    assertThat(lines).hasSize(threads * each);
    assertThat(ids).as("every record once").hasSize(threads * each);
    assertThat(losses.count(Reason.QUEUE_FULL) + losses.count(Reason.FILE_ERROR)).isZero();
  }

  @Test
  void keepsOnlyTheNewestRotatedFiles() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    String one = AuditFile.line(AuditRecordingTest.record(null), new String[] {"t", "0", null});
    long lineBytes = one.getBytes(UTF_8).length + 1;
    // Two lines a file, ten lines: five files made, three kept.
    file = AuditFile.open(path, new AuditFile.Limits(lineBytes * 2, 2), losses);
    for (int i = 0; i < 10; i++) {
      file.write(AuditRecordingTest.record(null), new String[] {"t", Integer.toString(i), null});
    }
    file.close(10);
    file = null;

    assertThat(files(path))
        .containsExactly(
            dir.resolve("audit.jsonl.2"), dir.resolve("audit.jsonl.1"), dir.resolve("audit.jsonl"));
    assertThat(dir.resolve("audit.jsonl.3")).doesNotExist();
    List<String> spanIds = new ArrayList<>();
    for (String line : lines(files(path))) {
      spanIds.add(JSON.readTree(line).path("span_id").asText());
    }
    assertThat(spanIds).containsExactly("4", "5", "6", "7", "8", "9");
  }

  @Test
  void aLineLargerThanTheLimitGetsAFileOfItsOwn() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    file = AuditFile.open(path, new AuditFile.Limits(10, 5), losses);
    for (int i = 0; i < 3; i++) {
      file.write(AuditRecordingTest.record(null), new String[] {"t", Integer.toString(i), null});
    }
    file.close(10);
    file = null;

    List<Path> files = files(path);
    assertThat(files).hasSize(3);
    for (Path one : files) {
      assertThat(Files.readAllLines(one)).hasSize(1);
    }
  }

  @Test
  void aFileThatCannotBeWrittenCountsItsLinesLogsOnceAndResumesWhenItCan() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    // A directory where the file should be: every open fails.
    Files.createDirectories(path);
    file = AuditFile.open(path, AuditFile.Limits.DEFAULT, losses);
    for (int i = 0; i < 5; i++) {
      file.write(AuditRecordingTest.record(null), new String[] {"t", "lost-" + i, null});
      Thread.sleep(50);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (losses.count(Reason.FILE_ERROR) < 5 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(losses.count(Reason.FILE_ERROR)).isEqualTo(5);

    Files.delete(path);
    file.write(AuditRecordingTest.record(null), new String[] {"t", "kept", null});
    file.close(10);
    file = null;

    assertThat(Files.readAllLines(path))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("\"span_id\":\"kept\""));
    List<String> errors =
        logged.toString(UTF_8).lines().filter(l -> l.contains("cannot open audit file")).toList();
    assertThat(errors)
        .as("once, not once per batch")
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains(path.toString())
                    .contains("counted in warden.audit.dropped"));
  }

  @Test
  void aFileLockedByAnotherWriterIsLeftToItAndThisOneWritesItsOwn() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    file = AuditFile.open(path, AuditFile.Limits.DEFAULT, losses);
    AuditFile second = AuditFile.open(path, AuditFile.Limits.DEFAULT, losses);
    try {
      Path own = dir.resolve("audit.jsonl.pid-" + ProcessHandle.current().pid());
      assertThat(file.path()).isEqualTo(path);
      assertThat(second.path()).isEqualTo(own);
      file.write(AuditRecordingTest.record(null), new String[] {"t", "first", null});
      second.write(AuditRecordingTest.record(null), new String[] {"t", "second", null});
      second.close(10);
      file.close(10);
      file = null;

      assertThat(Files.readAllLines(path)).singleElement().asString().contains("first");
      assertThat(Files.readAllLines(own)).singleElement().asString().contains("second");
      assertThat(logged.toString(UTF_8))
          .contains("is written by another JVM")
          .contains(own.toString());
    } finally {
      second.close(1);
    }
  }

  @Test
  void limitsAreReadWithUnitsAndABadOneIsNamed() {
    assertThat(AuditFile.Limits.of(null, null)).isEqualTo(AuditFile.Limits.DEFAULT);
    assertThat(AuditFile.Limits.of("100MB", "5").maxBytes()).isEqualTo(100L * 1024 * 1024);
    assertThat(AuditFile.Limits.of("512kb", "0").maxBytes()).isEqualTo(512L * 1024);
    assertThat(AuditFile.Limits.of("2 GB", null).maxBytes()).isEqualTo(2L << 30);
    assertThat(AuditFile.Limits.of("4096", null).maxBytes()).isEqualTo(4096);
    assertThat(AuditFile.Limits.of("10B", "0").keep()).isZero();
    for (String bad : List.of("ten", "0", "-5MB", "5TB", "MB")) {
      assertThatThrownBy(() -> AuditFile.Limits.of(bad, null))
          .hasMessageContaining("audit.file.max-size is '" + bad + "'");
    }
    assertThatThrownBy(() -> AuditFile.Limits.of("1MB", "many"))
        .hasMessageContaining("audit.file.keep is 'many'");
    assertThatThrownBy(() -> AuditFile.Limits.of("1MB", "-1"))
        .hasMessageContaining("audit.file.keep must be 0 or more");
  }

  @Test
  void nothingIsLeftOpenOrHalfWritten() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    file = AuditFile.open(path, new AuditFile.Limits(2048, 3), losses);
    for (int i = 0; i < 40; i++) {
      file.write(AuditRecordingTest.record(null), new String[] {"t", Integer.toString(i), null});
    }
    file.close(10);
    file = null;
    try (Stream<Path> listed = Files.list(dir)) {
      assertThat(listed.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3", "audit.jsonl.lock");
    }
    for (Path one : files(path)) {
      assertThat(Files.readString(one)).endsWith("\n");
    }
  }

  @Test
  void aRotationThatFailsTouchesNoOlderFileAndLosesNoLine() throws Exception {
    Path path = dir.resolve("audit.jsonl");
    Files.writeString(dir.resolve("audit.jsonl.1"), "older\n");
    // Where the live file is moved aside: a directory that cannot be replaced.
    Files.createDirectories(dir.resolve("audit.jsonl.rotating/blocked"));
    String one = AuditFile.line(AuditRecordingTest.record(null), new String[] {"t", "0", null});
    file =
        AuditFile.open(
            path, new AuditFile.Limits((one.getBytes(UTF_8).length + 1) * 2L, 3), losses);
    for (int i = 0; i < 10; i++) {
      file.write(AuditRecordingTest.record(null), new String[] {"t", Integer.toString(i), null});
    }
    file.close(10);
    file = null;

    assertThat(Files.readAllLines(dir.resolve("audit.jsonl.1"))).containsExactly("older");
    assertThat(dir.resolve("audit.jsonl.2")).doesNotExist();
    assertThat(Files.readAllLines(path)).hasSize(10);
    assertThat(losses.count(Reason.FILE_ERROR)).isZero();
    assertThat(logged.toString(UTF_8).lines().filter(l -> l.contains("cannot rotate audit file")))
        .as("tried again a minute later, not per line")
        .hasSize(1);
  }
}
