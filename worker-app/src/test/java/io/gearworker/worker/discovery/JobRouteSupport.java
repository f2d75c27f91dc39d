package io.gearworker.worker.discovery;

import org.apache.camel.builder.RouteBuilder;

/** An abstract base for job routes: the package scan skips it (a discovered abstract class would not start). */
public abstract class JobRouteSupport extends RouteBuilder {

    static String gearman(String function) {
        return "gearman:" + function;
    }
}
