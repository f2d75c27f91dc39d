package io.gearworker.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Gearman worker as a plain Spring Boot application: Camel keeps it running while its routes serve jobs. */
@SpringBootApplication
public class SpringBootWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SpringBootWorkerApplication.class, args);
    }
}
