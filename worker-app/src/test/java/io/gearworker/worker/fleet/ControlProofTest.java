package io.gearworker.worker.fleet;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlProofTest {

    private final ControlProof proof = new ControlProof("s3cret");

    @Test
    void aRequestCarriesAProofBoundToCommandWorkerTimeAndNonceButNeverTheSecret() {
        String nonce = ControlProof.newNonce();
        String workload = proof.request("terminate", "w1", 1_700_000_000L, nonce);

        assertThat(workload).startsWith("terminate v1 1700000000 " + nonce + " ").doesNotContain("s3cret");
        ControlProof.Request request = ControlProof.Request.parse(workload);
        assertThat(proof.verify(request, "w1")).isTrue();
        assertThat(proof.verify(request, "w2")).as("another worker").isFalse();
        assertThat(new ControlProof("other").verify(request, "w1")).as("another secret").isFalse();
        String otherCommand = workload.replaceFirst("^terminate", "quiet");
        assertThat(proof.verify(ControlProof.Request.parse(otherCommand), "w1")).isFalse();
        String otherTime = workload.replace(" 1700000000 ", " 1700000001 ");
        assertThat(proof.verify(ControlProof.Request.parse(otherTime), "w1")).isFalse();
    }

    @Test
    void theSeedsPlainFormIsNoRequest() {
        assertThat(ControlProof.Request.parse("terminate s3cret")).isNull();
        assertThat(ControlProof.Request.parse("terminate")).isNull();
    }

    @Test
    void onlyAnAnswerSignedForThatVeryRequestIsAccepted() throws IOException {
        String nonce = ControlProof.newNonce();
        ControlProof.Request request = ControlProof.Request.parse(proof.request("status", "w1", 1L, nonce));
        String signed = proof.answer("w1", request, "{\"id\":\"w1\"}");

        assertThat(proof.verifiedBody("w1", "status", nonce, signed)).isEqualTo("{\"id\":\"w1\"}");
        assertThatThrownBy(() -> proof.verifiedBody("w1", "status", ControlProof.newNonce(), signed))
                .as("an older answer replayed").hasMessage("the answer is not signed with the control secret");
        assertThatThrownBy(() -> proof.verifiedBody("w1", "status", nonce, signed.replace("w1\"", "w9\"")))
                .as("a changed body").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> proof.verifiedBody("w1", "status", nonce, "{\"id\":\"w1\"}"))
                .as("unsigned").hasMessageNotContaining("w1");
    }
}
