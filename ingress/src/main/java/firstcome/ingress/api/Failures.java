package firstcome.ingress.api;

import firstcome.ingress.gate.GateUnavailableException;
import io.javalin.http.HttpResponseException;
import java.util.concurrent.CompletionException;

/**
 * The one mapping from a failure to the contract's {@code {"outcome","message"}} answer: a refusal
 * a route raised ({@link ApiException}), a gate that did not answer (503), the framework's own
 * refusals (no such route, wrong method, ...) and, should a bug slip through, anything else (500).
 * {@code App} registers it as the exception mapper; nothing else builds error answers for failures.
 */
public final class Failures {

    private Failures() {
    }

    public static Answer answer(Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof ApiException refusal) {
            return Answer.problem(refusal.status(), refusal.outcome(), refusal.getMessage());
        }
        if (e instanceof GateUnavailableException) {
            return Answer.problem(Outcome.UNAVAILABLE, "the gate (Redis) did not answer; nothing was counted, try again");
        }
        if (e instanceof HttpResponseException framework) {
            return frameworkAnswer(framework.getStatus());
        }
        return Answer.problem(Outcome.INTERNAL_ERROR, "the ingress failed unexpectedly");
    }

    /** Answers of the framework itself (no route, wrong method, ...), in the contract's shape. */
    private static Answer frameworkAnswer(int status) {
        return switch (status) {
            case 404 -> Answer.problem(Outcome.NOT_FOUND, "no such route");
            case 405 -> Answer.problem(Outcome.METHOD_NOT_ALLOWED, "this route does not take that method");
            case 413 -> Answer.problem(413, Outcome.INVALID_REQUEST, "the body must be at most " + JsonBody.MAX_BYTES + " bytes");
            case 415 -> Answer.problem(415, Outcome.INVALID_REQUEST, "send the body as application/json");
            case 503 -> Answer.problem(Outcome.UNAVAILABLE, "the ingress cannot answer right now");
            default -> status >= 500
                    ? Answer.problem(Outcome.INTERNAL_ERROR, "the ingress failed unexpectedly")
                    : Answer.problem(status, Outcome.INVALID_REQUEST, "the request was not understood");
        };
    }
}
