package dev.warden.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

  static Properties properties(String... pairs) {
    Properties p = new Properties();
    for (int i = 0; i < pairs.length; i += 2) {
      p.setProperty(pairs[i], pairs[i + 1]);
    }
    return p;
  }

  @Test
  void agentArgumentBeatsSystemPropertyBeatsEnvironment() {
    Map<String, String> env =
        Map.of(
            "WARDEN_POLICY",
            "/env.yaml",
            "WARDEN_AUDIT_FILE",
            "/env.jsonl",
            "WARDEN_LOG_LEVEL",
            "debug");
    Properties props =
        properties("warden.policy", "/prop.yaml", "warden.audit.file", "/prop.jsonl");
    Settings settings = Settings.of("policy=/arg.yaml", props, env);
    assertThat(settings.get("policy")).isEqualTo("/arg.yaml");
    assertThat(settings.get("audit.file")).isEqualTo("/prop.jsonl");
    assertThat(settings.get("log.level")).isEqualTo("debug");
    assertThat(settings.get("missing", "fallback")).isEqualTo("fallback");
  }

  @Test
  void argumentsArePairsSeparatedByCommas() {
    Settings settings =
        Settings.of(" policy = /p.yaml ,enabled=false,,log.level=warn", new Properties(), Map.of());
    assertThat(settings.arguments())
        .containsExactly(
            Map.entry("policy", "/p.yaml"),
            Map.entry("enabled", "false"),
            Map.entry("log.level", "warn"));
    assertThat(settings.enabled()).isFalse();
    assertThat(Settings.of(null, new Properties(), Map.of()).enabled()).isTrue();
    assertThat(Settings.of(null, new Properties(), Map.of("WARDEN_ENABLED", "FALSE")).enabled())
        .isFalse();
  }

  @Test
  void environmentNamesAreUpperCaseWithUnderscores() {
    assertThat(Settings.environmentName("audit.file")).isEqualTo("WARDEN_AUDIT_FILE");
    assertThat(Settings.environmentName("otel.exporter-otlp.endpoint"))
        .isEqualTo("WARDEN_OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  @Test
  void wardenOtelSettingsBecomeOtelOverridesArgumentsFirst() {
    Settings settings =
        Settings.of(
            "otel.service.name=from-arg",
            properties(
                "warden.otel.service.name",
                "from-prop",
                "warden.otel.exporter.otlp.endpoint",
                "http://prop:4318"),
            Map.of(
                "WARDEN_OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://env:4318",
                "WARDEN_OTEL_TRACES_EXPORTER",
                "console",
                "OTEL_SERVICE_NAME",
                "app"));
    assertThat(settings.otelOverrides())
        .containsEntry("otel.service.name", "from-arg")
        .containsEntry("otel.exporter.otlp.endpoint", "http://prop:4318")
        .containsEntry("otel.traces.exporter", "console")
        .hasSize(3);
  }
}
