package com.acme;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application that exits while it calls Jira, for the shutdown tests.
 *
 * <ul>
 *   <li>{@code inflight}: ten calls, then two more threads call (one to a Jira that answers in 2 s,
 *       one that takes the throttle's last token and then waits for the next), and the application
 *       exits 300 ms later with a shutdown hook that waits for both, as a graceful shutdown does,
 *       and prints what they got.
 *   <li>{@code exit-on-file}: one call (printing its status if it comes), while another thread
 *       exits the JVM as soon as {@code DIR/exit-now} exists.
 * </ul>
 *
 * <pre>java -cp ... com.acme.ShutdownProbe JIRA_URL MODE DIR</pre>
 */
public final class ShutdownProbe {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ShutdownProbe() {}

  public static void main(String[] args) throws Exception {
    String jira = args[0];
    String mode = args[1];
    Path dir = Path.of(args[2]);
    if (mode.equals("exit-on-file")) {
      Thread watcher =
          new Thread(
              () -> {
                while (!Files.exists(dir.resolve("exit-now"))) {
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                System.out.println("{\"exitAt\":" + System.currentTimeMillis() + "}");
                System.exit(0);
              });
      watcher.start();
      int status = get(jira + "/rest/api/2/issue/OPS-1", null);
      System.out.println("{\"status\":" + status + "}");
      watcher.join();
      return;
    }
    for (int i = 0; i < 10; i++) {
      get(jira + "/rest/api/2/issue/OPS-1", null);
    }
    List<String> seen = new CopyOnWriteArrayList<>();
    Thread slow =
        new Thread(() -> seen.add("slow " + get(jira + "/rest/api/2/issue/OPS-1", "2000")));
    Thread throttled =
        new Thread(
            () -> {
              seen.add("search " + get(jira + "/rest/api/2/search?jql=project%3DOPS", null));
              seen.add("search " + get(jira + "/rest/api/2/search?jql=project%3DOPS", null));
            });
    slow.start();
    throttled.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    slow.join(15_000);
                    throttled.join(15_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  System.out.println(
                      "{\"inFlight\":\""
                          + String.join(",", seen)
                          + "\",\"doneAt\":"
                          + System.currentTimeMillis()
                          + "}");
                }));
    Thread.sleep(300);
    System.out.println("{\"exitAt\":" + System.currentTimeMillis() + "}");
    System.exit(0);
  }

  private static int get(String url, String delayMillis) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
      if (delayMillis != null) {
        request.header("X-Fake-Delay-Ms", delayMillis);
      }
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
