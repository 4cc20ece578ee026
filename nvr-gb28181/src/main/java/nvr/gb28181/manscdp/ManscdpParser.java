package nvr.gb28181.manscdp;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import nvr.gb28181.WireFormatException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses MANSCDP XML safely. Any DOCTYPE is refused (so no external entity and no entity-expansion
 * bomb can exist), external DTDs and XInclude are off, the input is bounded in bytes, elements and depth.
 *
 * <p>Charset: GB/T 28181 devices declare {@code encoding="GB2312"} (sometimes GBK or UTF-8) and often send
 * GBK characters outside GB2312 under that label, so GB2312 is decoded as GBK (a superset). Without a
 * declaration UTF-8 is tried first, then GB18030. The declared charset is kept so the answer is written in it.
 */
public final class ManscdpParser {
    public static final int MAX_BYTES = 256 * 1024;
    public static final int MAX_ELEMENTS = 20_000;
    public static final int MAX_DEPTH = 16;
    private static final Pattern DECL_ENCODING = Pattern.compile("^\\s*<\\?xml[^>]*encoding\\s*=\\s*[\"']([A-Za-z0-9_.:-]{1,40})[\"']");

    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(ManscdpParser::newBuilder);

    private ManscdpParser() {
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(SILENT);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a required security feature", e);
        }
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    public static ManscdpMessage parse(byte[] body) throws WireFormatException {
        if (body == null || body.length == 0) {
            throw new WireFormatException("manscdp", "empty MANSCDP body");
        }
        if (body.length > MAX_BYTES) {
            throw new WireFormatException("manscdp", "MANSCDP body longer than " + MAX_BYTES + " bytes");
        }
        Charset declared = declaredCharset(body);
        String text = decode(body, declared);
        Document doc;
        DocumentBuilder b = BUILDER.get();
        try {
            b.reset();
            b.setErrorHandler(SILENT);
            doc = b.parse(new InputSource(new StringReader(text)));
        } catch (SAXException | java.io.IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new WireFormatException("manscdp", "bad MANSCDP XML: " + clip(m));
        } catch (RuntimeException e) {
            throw new WireFormatException("manscdp", "bad MANSCDP XML: " + e.getClass().getSimpleName());
        }
        int[] budget = {MAX_ELEMENTS};
        XmlElement root = convert(doc.getDocumentElement(), 0, budget);
        ManscdpType type = ManscdpType.of(root.name());
        if (type == null) {
            throw new WireFormatException("manscdp", "root element is not Query/Response/Notify/Control: " + clip(root.name()));
        }
        String cmd = root.childText("CmdType");
        if (cmd == null || cmd.isEmpty()) {
            throw new WireFormatException("manscdp", "MANSCDP without CmdType");
        }
        String snText = root.childText("SN");
        long sn;
        try {
            sn = snText == null ? -1 : Long.parseLong(snText.trim());
        } catch (NumberFormatException e) {
            throw new WireFormatException("manscdp", "SN is not a number: " + clip(snText));
        }
        return new ManscdpMessage(type, cmd, sn, root.childText("DeviceID"),
                declared != null ? declared : StandardCharsets.UTF_8, root);
    }

    /** The charset named in the XML declaration (GB2312 mapped to GBK for decoding), or null. */
    static Charset declaredCharset(byte[] body) throws WireFormatException {
        String head = new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1);
        Matcher m = DECL_ENCODING.matcher(head);
        if (!m.find()) {
            return null;
        }
        String name = m.group(1).toUpperCase(Locale.ROOT);
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("manscdp", "unsupported XML encoding " + clip(name));
        }
    }

    private static String decode(byte[] body, Charset declared) throws WireFormatException {
        if (declared != null) {
            Charset use = declared.name().equalsIgnoreCase("GB2312") ? Charset.forName("GBK") : declared;
            return new String(body, use);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return new String(body, Charset.forName("GB18030"));
        }
    }

    private static XmlElement convert(Element e, int depth, int[] budget) throws WireFormatException {
        if (depth > MAX_DEPTH) {
            throw new WireFormatException("manscdp", "XML nested deeper than " + MAX_DEPTH);
        }
        if (--budget[0] < 0) {
            throw new WireFormatException("manscdp", "XML has more than " + MAX_ELEMENTS + " elements");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        NamedNodeMap am = e.getAttributes();
        for (int i = 0; i < am.getLength() && i < 16; i++) {
            attrs.put(am.item(i).getNodeName(), am.item(i).getNodeValue());
        }
        List<XmlElement> children = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                children.add(convert((Element) n, depth + 1, budget));
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(n.getNodeValue());
            }
        }
        return new XmlElement(e.getTagName(), attrs, text.toString().trim(), children);
    }

    private static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
