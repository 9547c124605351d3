package dev.nucleon.opencl;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;

/**
 * Runs the annotated test class or method where an OpenCL device is usable. Elsewhere it depends on
 * {@link #required()}: on a developer machine without a driver JUnit reports the test skipped with the probe's
 * reason ("OpenCL unavailable: no OpenCL platform: …"), never as passed; in CI ({@code -Dnucleon.opencl.required=true},
 * set by {@code .ci/run}, or the environment variable {@code NUCLEON_OPENCL_REQUIRED=true}) the test runs anyway
 * and fails on the missing device, so CI never passes with the OpenCL tests silently skipped.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresOpenCl.Condition.class)
public @interface RequiresOpenCl {

    /** The condition behind the annotation. */
    final class Condition implements ExecutionCondition {

        /** {@return whether this run demands OpenCL (CI): the system property, else the environment variable} */
        static boolean required() {
            String property = System.getProperty("nucleon.opencl.required");
            String value = property != null && !property.isBlank() ? property : System.getenv("NUCLEON_OPENCL_REQUIRED");
            return value != null && value.strip().toLowerCase(Locale.ROOT).equals("true");
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (OpenClProbe.available()) {
                return ConditionEvaluationResult.enabled("OpenCL available: " + OpenClProbe.result().devices());
            }
            if (required()) {
                return ConditionEvaluationResult.enabled("OpenCL required (nucleon.opencl.required) but unavailable: "
                        + OpenClProbe.reason() + "; running, to fail");
            }
            return ConditionEvaluationResult.disabled("OpenCL unavailable: " + OpenClProbe.reason());
        }
    }
}
