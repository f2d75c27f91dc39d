package io.gearworker.worker.fleet;

/**
 * The one normalisation of a control secret, applied alike by the worker ({@code run}) and by every client
 * ({@code terminate}, {@code status}, the dashboard): surrounding whitespace is dropped, so the trailing newline of
 * {@code echo > file} or {@code kubectl create secret --from-file} never locks anyone out. A secret that is blank
 * after that is refused: it would look set and protect nothing.
 */
public final class ControlSecret {

    private ControlSecret() {
    }

    /**
     * @return the secret without surrounding whitespace; {@code null} when none is given
     * @throws IllegalArgumentException when one is given but is blank
     */
    public static String normalise(String given) {
        if (given == null) {
            return null;
        }
        String secret = given.strip();
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("--control-secret (GEARMAN_CONTROL_SECRET) is blank; give a secret"
                                               + " or leave it unset");
        }
        return secret;
    }
}
