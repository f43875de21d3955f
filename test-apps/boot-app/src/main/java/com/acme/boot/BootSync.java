package com.acme.boot;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that syncs with Jira through the {@code RestClient} Boot builds (on
 * Apache HttpClient 5, found in the jar's nested libraries). Run as an executable jar: Boot's own
 * class loader loads the application and the client. Prints one JSON line per call.
 */
@SpringBootApplication
public class BootSync implements CommandLineRunner {

  private final JiraSync sync;

  BootSync(JiraSync sync) {
    this.sync = sync;
  }

  public static void main(String[] args) {
    SpringApplication.run(BootSync.class, args);
  }

  @Override
  public void run(String... args) {
    System.out.println(sync.engine());
    System.out.println(sync.getIssue("OPS-1"));
    System.out.println(sync.createIssue("OPS", "from the Boot jar"));
    System.out.println(sync.createIssue("SEC", "not allowed there"));
    System.out.println(sync.deleteIssue("OPS-1"));
  }
}
