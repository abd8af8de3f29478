package org.bitweb.cli;

public final class Main {
    public static void main(String[] args) {
    }
}
