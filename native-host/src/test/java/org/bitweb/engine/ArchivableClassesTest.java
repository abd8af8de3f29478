package org.bitweb.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libraries every start loads whose jars carry Java 5 class files (picocli, SnakeYAML,
 * javax.inject, aopalliance) are compiled from their sources for Java 17 by the build, so that the
 * launchers' and the engine's class-data archives can hold them (native-host/pom.xml, "Recompiled
 * for class-data sharing"). The class path puts the build's own classes before the jars, as the
 * shaded jar holds only those.
 */
class ArchivableClassesTest {

    /** Java 17's class file version; class-data archives skip anything below 50 (Java 6). */
    private static final int JAVA_17 = 61;

    @ParameterizedTest
    @ValueSource(classes = {picocli.CommandLine.class, picocli.CommandLine.Model.CommandSpec.class,
            org.yaml.snakeyaml.Yaml.class, javax.inject.Inject.class, javax.inject.Provider.class,
            org.aopalliance.intercept.MethodInterceptor.class})
    void aLibraryShippedForJava5IsLoadedAsCompiledForJava17(Class<?> type) throws IOException {
        assertEquals(JAVA_17, classFileVersion(type), type + " comes from "
                + type.getProtectionDomain().getCodeSource().getLocation());
        assertTrue(type.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/classes/"),
                type + " from the build's classes, not its jar");
    }

    private static int classFileVersion(Class<?> type) throws IOException {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            DataInputStream data = new DataInputStream(in);
            assertEquals(0xCAFEBABE, data.readInt());
            data.readUnsignedShort(); // minor
            return data.readUnsignedShort();
        }
    }
}
