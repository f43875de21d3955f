package dev.warden.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate that lets Byte Buddy be set up off the main thread without a hooked class slipping by.
 */
class DeferredWeavingTest {

  static final String HOOKED = "okhttp3/OkHttpClient";
  static final byte[] WOVEN = {1, 2, 3};

  final List<String> seen = new CopyOnWriteArrayList<>();
  final List<String> later = new CopyOnWriteArrayList<>();
  final DeferredWeaving.ClassWeaver byteBuddy =
      new DeferredWeaving.ClassWeaver() {
        @Override
        public byte[] weave(
            Module module, ClassLoader loader, String name, ProtectionDomain domain, byte[] bytes) {
          seen.add(name);
          return WOVEN;
        }

        @Override
        public void retransformLater(String name, ClassLoader loader) {
          later.add(name);
        }
      };
  final DeferredWeaving gate = new DeferredWeaving(Set.of(HOOKED));

  byte[] load(String name) throws Exception {
    return gate.transform(null, null, name, null, null, new byte[0]);
  }

  @Test
  void otherClassesPassAtOnceAndNeverReachByteBuddy() throws Exception {
    assertThat(load("com/acme/Main")).isNull();
    gate.ready(byteBuddy);
    assertThat(load("com/acme/Main")).isNull();
    assertThat(load(null)).isNull();
    assertThat(seen).isEmpty();
  }

  @Test
  void aHookedClassThatLoadsEarlyWaitsForByteBuddyAndIsWoven() throws Exception {
    CompletableFuture<byte[]> loading =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return load(HOOKED);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(loading).as("waits while Byte Buddy is set up").isNotDone();

    gate.ready(byteBuddy);

    assertThat(loading.get(5, TimeUnit.SECONDS)).isEqualTo(WOVEN);
    assertThat(seen).containsExactly("okhttp3.OkHttpClient");
    assertThat(gate.passedUnwoven()).isEmpty();
  }

  @Test
  void aHookedClassThatNeedsByteBuddyFirstSetsItUpOnceAndWaitsForIt() throws Exception {
    List<Thread> setUps = new CopyOnWriteArrayList<>();
    gate.onWanted(
        () -> {
          setUps.add(Thread.currentThread());
          Thread weaver = new Thread(() -> gate.ready(byteBuddy), "weaver");
          gate.weaver(weaver);
          weaver.start();
        });
    assertThat(load("com/acme/Main")).isNull();
    assertThat(setUps).as("other classes do not set Byte Buddy up").isEmpty();

    CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> loadQuietly(HOOKED));
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(WOVEN);
    assertThat(load(HOOKED)).isEqualTo(WOVEN);

    assertThat(setUps).hasSize(1).doesNotContain(Thread.currentThread());
  }

  byte[] loadQuietly(String name) {
    try {
      return load(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theWeavingThreadCannotWaitForItselfSoWhatItLoadsIsWovenLater() throws Exception {
    gate.weaver(Thread.currentThread());

    assertThat(load(HOOKED)).isNull();

    assertThat(gate.passedUnwoven()).containsExactly("okhttp3.OkHttpClient");
    gate.ready(byteBuddy);
    assertThat(load(HOOKED)).isEqualTo(WOVEN);
  }

  @Test
  void anInterruptDoesNotLetAHookedClassLoadUnwoven() throws Exception {
    CompletableFuture<byte[]> loading =
        CompletableFuture.supplyAsync(
            () -> {
              Thread.currentThread().interrupt();
              try {
                byte[] bytes = load(HOOKED);
                if (!Thread.currentThread().isInterrupted()) {
                  throw new IllegalStateException("the interrupt was lost");
                }
                Thread.interrupted();
                return bytes;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(loading).isNotDone();

    gate.ready(byteBuddy);

    assertThat(loading.get(5, TimeUnit.SECONDS)).isEqualTo(WOVEN);
  }

  @Test
  void aHookedClassThatLoadsWhileThisThreadWeavesAnotherIsWovenOnceLoaded() throws Exception {
    DeferredWeaving nested = new DeferredWeaving(Set.of(HOOKED, "okio/Buffer"));
    List<byte[]> inner = new CopyOnWriteArrayList<>();
    nested.ready(
        new DeferredWeaving.ClassWeaver() {
          @Override
          public byte[] weave(
              Module module,
              ClassLoader loader,
              String name,
              ProtectionDomain domain,
              byte[] bytes) {
            seen.add(name);
            try {
              // Weaving OkHttpClient makes okio.Buffer load on this thread.
              inner.add(nested.transform(null, null, "okio/Buffer", null, null, new byte[0]));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            return WOVEN;
          }

          @Override
          public void retransformLater(String name, ClassLoader loader) {
            later.add(name);
          }
        });

    assertThat(nested.transform(null, null, HOOKED, null, null, new byte[0])).isEqualTo(WOVEN);

    assertThat(seen).containsExactly("okhttp3.OkHttpClient");
    assertThat(inner).hasSize(1).containsOnlyNulls();
    assertThat(later).containsExactly("okio.Buffer");
    // The thread weaves again afterwards.
    assertThat(nested.transform(null, null, "okio/Buffer", null, null, new byte[0]))
        .isEqualTo(WOVEN);
  }

  @Test
  void byteBuddyThatCouldNotStartLetsWaitingClassesLoadAsTheyAre() throws Exception {
    gate.ready(null);
    assertThat(load(HOOKED)).isNull();
    assertThat(seen).isEmpty();
  }

  @Test
  void onlyAnAgentAttachedAfterWardensMakesItWeaveBeforeMain() {
    String warden = "warden-agent.jar";
    assertThat(
            Instrumentations.agentsAfter(
                List.of("-javaagent:/opt/warden-agent.jar=policy=/p.yaml", "-cp", "x", "Main"),
                warden))
        .isFalse();
    assertThat(
            Instrumentations.agentsAfter(
                List.of("-javaagent:/opt/otel.jar", "-javaagent:/opt/warden-agent.jar", "Main"),
                warden))
        .isFalse();
    assertThat(
            Instrumentations.agentsAfter(
                List.of("-javaagent:/opt/warden-agent.jar", "-javaagent:/opt/otel.jar", "Main"),
                warden))
        .isTrue();
    assertThat(
            Instrumentations.agentsAfter(List.of("-javaagent:/opt/otel.jar", "@args.txt"), warden))
        .as("Warden attached some other way: what follows it is unknown")
        .isTrue();
  }
}
