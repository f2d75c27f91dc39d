package io.gearworker.routes.workflow;

/** A child job of a workflow failed or timed out; the message names the child and why. */
public class WorkflowStepException extends Exception {

    public WorkflowStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
