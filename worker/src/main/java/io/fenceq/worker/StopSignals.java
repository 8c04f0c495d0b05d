package io.fenceq.worker;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT for a process that stops gracefully: the first signal starts the stop, a
 * second one ends the process at once.
 *
 * <p>The JVM's own handling cannot do the second part: once a signal has started the JVM's
 * shutdown, further signals wait for the shutdown hooks and so cannot cut them short. This replaces
 * the JVM's handlers through {@code sun.misc.Signal} (module {@code jdk.unsupported}), reached by
 * reflection so that a JVM without it still runs, with only the JVM's own handling.
 */
public final class StopSignals {
  /** Exit status of a process ended by a second signal: 128 + SIGINT, as shells report it. */
  public static final int FORCED_EXIT_STATUS = 130;

  private static final Logger log = LoggerFactory.getLogger(StopSignals.class);
  private static final String[] SIGNALS = {"TERM", "INT"};

  private StopSignals() {}

  /**
   * Installs the handlers for SIGTERM and SIGINT.
   *
   * @param stop runs once, on the JVM's signal thread, for the first signal; it must return quickly
   *     (start the stop, do not wait for it)
   * @param forced runs for the second signal, just before the process halts (say what is lost)
   * @return false if the signals could not be handled; the JVM's default then applies (a signal
   *     starts the shutdown hooks)
   */
  public static boolean install(Runnable stop, Runnable forced) {
    AtomicInteger received = new AtomicInteger();
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method name = signalClass.getMethod("getName");
      InvocationHandler onSignal =
          (proxy, method, args) -> {
            if (!method.getName().equals("handle")) {
              return method.getDeclaringClass() == Object.class
                  ? objectMethod(proxy, method, args)
                  : null;
            }
            String signal = (String) name.invoke(args[0]);
            if (received.incrementAndGet() == 1) {
              log.info("event=stop_signal signal=SIG{} action=graceful_stop", signal);
              stop.run();
            } else {
              log.warn("event=stop_signal signal=SIG{} action=exit_now", signal);
              try {
                forced.run();
              } finally {
                Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
              }
            }
            return null;
          };
      Object handler =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
      for (String signal : SIGNALS) {
        Object s = signalClass.getConstructor(String.class).newInstance(signal);
        handle.invoke(null, s, handler);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn(
          "event=stop_signals_unavailable reason=\"{}\" effect=\"a second signal waits for the"
              + " graceful stop\"",
          e.toString());
      return false;
    }
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "StopSignals handler";
    };
  }
}
