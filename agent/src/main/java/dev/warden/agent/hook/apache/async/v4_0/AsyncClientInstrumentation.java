package dev.warden.agent.hook.apache.async.v4_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpAsyncClient 4.0 and 4.1 (what Atlassian's own REST client and many Jira libraries sit
 * on). Every way of executing a request ({@code execute(HttpUriRequest, callback)}, with a context,
 * with a target, with producers) ends in {@code execute(producer, consumer, context, callback)} of
 * {@code InternalHttpAsyncClient} (the builder's client) or {@code MinimalHttpAsyncClient}; a call
 * to a Jira site is taken over there, before any connection is leased.
 */
public final class AsyncClientInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.apache.async.v4_0.";

  @Override
  public String name() {
    return "apache-httpasyncclient-4.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "org.apache.http.impl.nio.client.InternalHttpAsyncClient",
        "org.apache.http.impl.nio.client.MinimalHttpAsyncClient");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer.advice(
        named("execute")
            .and(takesArguments(4))
            .and(takesArgument(0, named("org.apache.http.nio.protocol.HttpAsyncRequestProducer"))),
        PACKAGE + "AsyncClientAdvice");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
