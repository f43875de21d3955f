package dev.warden.agent.hook.resteasy.reactive.v3;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The RESTEasy Reactive client ({@code io.quarkus.resteasy.reactive:resteasy-reactive-client}, the
 * Quarkus REST client, declarative or through the Jakarta REST {@code Client}). It sends on Vert.x
 * core, whose requests the Netty gate decides; but it makes the Vert.x request on the event loop,
 * where no application frame is left. This hook carries where each call was issued:
 *
 * <ul>
 *   <li>{@code RestClientRequestContext}'s constructor, on the application's thread as the call is
 *       issued (blocking, {@code async()}, {@code rx()} or a declarative method alike): the call
 *       site, for a call to a site's origin;
 *   <li>{@code ClientSendRequestHandler.handle(context)}, where the Vert.x request is made (again
 *       for each redirect): Vert.x core's hook takes that call site instead of walking the event
 *       loop's stack.
 * </ul>
 */
public final class RestEasyReactiveInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.resteasy.reactive.v3.";

  @Override
  public String name() {
    return "resteasy-reactive-client-3";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "org.jboss.resteasy.reactive.client.impl.RestClientRequestContext",
        "org.jboss.resteasy.reactive.client.handlers.ClientSendRequestHandler");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named("org.jboss.resteasy.reactive.client.impl.RestClientRequestContext"))
                .and(isConstructor())
                .and(takesArgument(3, java.net.URI.class)),
            PACKAGE + "RestEasyReactiveAdvice$Issued")
        .advice(
            isDeclaredBy(
                    named("org.jboss.resteasy.reactive.client.handlers.ClientSendRequestHandler"))
                .and(named("handle"))
                .and(takesArguments(1))
                .and(
                    takesArgument(
                        0,
                        named("org.jboss.resteasy.reactive.client.impl.RestClientRequestContext"))),
            PACKAGE + "RestEasyReactiveAdvice$Send");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
