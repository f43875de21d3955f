package dev.warden.testapps;

/**
 * The client scenarios on Reactor Netty's HttpClient 1.1, with subscribe() and callbacks on the
 * event loop.
 */
class ReactorNetty11IT extends ClientScenarios {

  @Override
  String client() {
    return "reactor-netty-async";
  }

  @Override
  String library() {
    return "reactor-netty-1.1";
  }

  @Override
  boolean resendsJira429() {
    return false;
  }

  @Override
  boolean seesRawConnects() {
    // Reactor Netty connects on Netty's epoll transport on Linux.
    return false;
  }
}
