package dev.warden.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
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
  final ClassFileTransformer byteBuddy =
      new ClassFileTransformer() {
        @Override
        public byte[] transform(
            Module module,
            ClassLoader loader,
            String name,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
          seen.add(name);
          return WOVEN;
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
    assertThat(seen).containsExactly(HOOKED);
    assertThat(gate.passedUnwoven()).isEmpty();
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
