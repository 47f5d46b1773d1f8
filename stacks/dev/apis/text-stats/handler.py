"""Text statistics: words, sentences, reading time and the most frequent words."""

import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
WORDS_PER_MINUTE = 230
MAX_TEXT = 100_000


def handler(input):
    body = input["body"]
    text = input["query"].get("text")
    if text is None and isinstance(body, dict):
        text = body.get("text")
    if text is None and isinstance(body, str):
        text = body
    if not isinstance(text, str) or not text.strip():
        return {"error": 'give a text: ?text=… or POST {"text": "…"}'}, 400
    if len(text) > MAX_TEXT:
        return {"error": f"the text is over {MAX_TEXT} characters"}, 413
    try:
        top = int(input["query"].get("top", "5"))
    except ValueError:
        return {"error": "top must be a whole number"}, 400
    top = max(0, min(top, 50))
    words = [word.lower() for word in WORD.findall(text)]
    sentences = max(1, len(SENTENCE_END.findall(text.strip()))) if words else 0
    return {
        "words": len(words),
        "unique_words": len(set(words)),
        "sentences": sentences,
        "characters": len(text),
        "reading_seconds": round(len(words) * 60 / WORDS_PER_MINUTE),
        "top_words": [{"word": word, "count": count} for word, count in Counter(words).most_common(top)],
    }
