package dev.nucleon.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test class or method only where a GPU is usable; elsewhere JUnit reports it as
 * skipped with the probe's reason ("CUDA unavailable: no NVIDIA driver: …"), never as passed.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresCuda.Condition.class)
public @interface RequiresCuda {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return CudaProbe.available() ? ConditionEvaluationResult.enabled("CUDA available: " + CudaProbe.result().devices())
                    : ConditionEvaluationResult.disabled("CUDA unavailable: " + CudaProbe.reason());
        }
    }
}
