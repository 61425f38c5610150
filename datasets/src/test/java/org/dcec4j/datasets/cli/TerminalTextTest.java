package org.dcec4j.datasets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    /** Control characters but line breaks and tabs are shown as \xHH; other text, non-ASCII letters included, is kept. */
    @Test void controlCharactersAreShownAsEscapes() {
        assertEquals("a\\x1b[2Jb\\x07c\\x0dd\\x08e\\x7ff\\x9bg", TerminalText.printable("a\u001b[2Jb\u0007c\rd\be\u007ff\u009bg"));
        assertEquals("two\nlines\tand a tab", TerminalText.printable("two\nlines\tand a tab"));
        String plain = "images/chat/Ünïcode 猫 ok.png";
        assertSame(plain, TerminalText.printable(plain));
        assertEquals("null", TerminalText.printable(null));
    }
}
