"""Reading interview files: front matter, the three ways of marking questions, broken files."""

import datetime as dt
from textwrap import dedent

import pytest

from interviews.importing import ImportFileError, ImportSkipped, parse_interview
from interviews.importing.pasted import Paste


def parse(text):
    return parse_interview(dedent(text).lstrip("\n").encode())


def questions(text):
    return [(q.text, q.answer) for q in parse(text).questions]


# --- Front matter -------------------------------------------------------------------


def test_front_matter_fields_are_read():
    parsed = parse(
        """
        ---
        name: Ada Example
        slug: ada
        role: "Staff ML Engineer"
        company: Example Corp
        date: 2024-03-05
        status: published
        links:
          website: https://ada.example.com
          github: https://github.com/ada
        title: ignored, like every key the importer does not use
        ---
        ### How do you spend your time day-to-day?

        Mostly reading.
        """
    )
    front = parsed.front
    assert (front.name, front.slug, front.role, front.company) == (
        "Ada Example",
        "ada",
        "Staff ML Engineer",
        "Example Corp",
    )
    assert front.date == dt.date(2024, 3, 5)
    assert front.status == "published"
    assert front.links == {
        "website": "https://ada.example.com",
        "linkedin": "",
        "github": "https://github.com/ada",
        "x": "",
    }
    assert front.lessons is None  # not given: leave lessons alone


def test_quoted_date_and_no_front_matter():
    assert parse('---\nname: A\ndate: "2020-04-23"\n---\n### Q one?\n\nA.').front.date == dt.date(
        2020, 4, 23
    )
    parsed = parse("### Q one?\n\nA.")
    assert parsed.front.name == "" and parsed.front.role is None


def test_text_before_the_first_question_is_the_intro():
    parsed = parse(
        """
        ---
        name: Ada
        ---

        Ada builds *forecasting* systems.

        She talked to us in May.

        ### What was your path towards working with machine learning?

        Physics first.
        """
    )
    assert parsed.intro == "Ada builds *forecasting* systems.\n\nShe talked to us in May."
    assert parsed.questions[0].line == 9


# --- Marked questions -----------------------------------------------------------------


def test_heading_questions_plain_emphasised_and_closed():
    assert questions(
        """
        ### How do you spend your time day-to-day?

        Mostly reading.

        ### *What's your favourite editor?*

        Vim.

        ### What would be your dream setup? ###

        A quiet room.
        """
    ) == [
        ("How do you spend your time day-to-day?", "Mostly reading."),
        ("What's your favourite editor?", "Vim."),
        ("What would be your dream setup?", "A quiet room."),
    ]


def test_the_most_used_heading_level_marks_the_questions():
    result = questions(
        """
        ### How do you spend your time day-to-day?

        Mostly reading.

        #### A detail?

        Kept in the answer.

        ### *What's your favourite editor?*

        Vim.
        """
    )
    assert result == [
        (
            "How do you spend your time day-to-day?",
            "Mostly reading.\n\n#### A detail?\n\nKept in the answer.",
        ),
        ("What's your favourite editor?", "Vim."),
    ]


@pytest.mark.parametrize(
    "marked",
    [
        "**How do you learn continuously?**",
        "**_How do you learn continuously?_**",
        "___How do you learn continuously?___",
        "*How do you learn continuously?*",
        "__How do you learn continuously?__",
        "**How do you learn continuously**?",
    ],
)
def test_bold_and_emphasised_questions(marked):
    result = questions(
        f"""
        Intro line.

        {marked}

        Papers and **friends**.

        {marked.replace("learn continuously", "spend your time")}

        Reading.
        """
    )
    assert result == [
        ("How do you learn continuously?", "Papers and **friends**."),
        ("How do you spend your time?", "Reading."),
    ]


def test_a_line_with_two_bold_runs_is_not_a_question():
    result = questions(
        """
        **How do you learn?**

        **Papers** and **friends?**

        **How do you spend your time?**

        Reading.
        """
    )
    assert [text for text, _ in result] == ["How do you learn?", "How do you spend your time?"]
    assert result[0][1] == "**Papers** and **friends?**"


def test_a_bold_question_inside_a_heading_file_stays_in_its_answer():
    result = questions(
        """
        ### How do you spend your time day-to-day?

        **Why does this matter?**

        Because.

        ### How do you learn continuously?

        Papers.
        """
    )
    assert [text for text, _ in result] == [
        "How do you spend your time day-to-day?",
        "How do you learn continuously?",
    ]


def test_a_marked_sentence_without_question_mark_is_a_question_but_a_short_label_is_not():
    result = questions(
        """
        **_Tell us a little about your current role and your team._**

        I lead a team.

        **_Note:_**

        Still the first answer.

        **_How do you spend your time?_**

        Reading.
        """
    )
    assert result == [
        (
            "Tell us a little about your current role and your team.",
            "I lead a team.\n\n**_Note:_**\n\nStill the first answer.",
        ),
        ("How do you spend your time?", "Reading."),
    ]


def test_headings_inside_code_blocks_are_not_questions():
    result = questions(
        """
        ### How do you spend your time day-to-day?

        ```python
        # What does this do?
        x = 1
        ```

            ### indented code, not a heading?

        ### How do you learn continuously?

        Papers.
        """
    )
    assert [text for text, _ in result] == [
        "How do you spend your time day-to-day?",
        "How do you learn continuously?",
    ]
    assert "# What does this do?" in result[0][1]


# --- Plain text -----------------------------------------------------------------------


def test_plain_text_questions_from_an_email():
    result = questions(
        """
        Hi! Here are my answers, as promised.

        How do you spend your time day-to-day?
        Mostly in meetings, honestly. Is that bad? I think not.

        What processes or tools have you found helpful?

        Design docs. I ask myself: would a newcomer understand
        why we built it this way?

        - Do we have a baseline?
        - Is it monitored?

        > Why is it slow?

        Why?

        Because it pays.

            How is this code?

        How do you learn continuously?

        Papers.
        """
    )
    assert [text for text, _ in result] == [
        "How do you spend your time day-to-day?",
        "What processes or tools have you found helpful?",
        "How do you learn continuously?",
    ]
    assert result[0][1] == "Mostly in meetings, honestly. Is that bad? I think not."
    assert "why we built it this way?" in result[1][1]  # inside a paragraph: not a question
    assert "- Do we have a baseline?" in result[1][1]  # list items: not questions
    assert "Why?\n\nBecause it pays." in result[1][1]  # too short to be a question
    assert parse("Hi! Here are my answers.\n\nHow do you learn continuously?\n\nPapers.").intro == (
        "Hi! Here are my answers."
    )


def test_plain_text_is_not_guessed_when_the_file_has_headings_or_bold_lines():
    with pytest.raises(ImportFileError, match="headings and bold lines do not end in '\\?'"):
        parse("## About me\n\nHow do you learn continuously?\n\nPapers.")


# --- Markdown kept intact -------------------------------------------------------------


def test_reference_links_defined_at_the_end_are_copied_into_the_answers_using_them():
    result = questions(
        """
        ### What do you use?

        Lots of [PHP][] and [a web server][caddy], and [Vim].

        ### What would be your dream setup?

        A [Rotom Phone](https://example.com/rotom).

        [php]: https://www.php.net/ "A language."
        [caddy]: https://caddyserver.com/
        [vim]: https://www.vim.org/
        [unused]: https://example.com/
        """
    )
    assert result[0][1] == (
        "Lots of [PHP][] and [a web server][caddy], and [Vim].\n\n"
        '[php]: https://www.php.net/ "A language."\n'
        "[caddy]: https://caddyserver.com/\n"
        "[vim]: https://www.vim.org/"
    )
    assert result[1][1].startswith("A [Rotom Phone](https://example.com/rotom).\n\n[php]:")


def test_windows_newlines_byte_order_mark_and_trailing_spaces():
    data = (
        "\ufeff---\r\nname: Ada\r\n---\r\n### How do you learn?\r\n\r\nLine one  \r\nline two\r\n"
    )
    parsed = parse_interview(data.encode())
    assert parsed.front.name == "Ada"
    assert parsed.questions[0].answer == "Line one  \nline two"  # the hard break is kept


# --- Broken files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\nname: Ada\nrole: [unclosed\n---\n### Q?\n\nA.", r"bad front matter at line 3: "),
        ("---\nname: Ada: Lovelace\n---\n### Q?\n\nA.", r"bad front matter at line 2: "),
        ("---\nname: Ada\n### Q?\n\nA.", "no closing '---' line"),
        ("---\n- a list\n---\n### Q?\n\nA.", "not a mapping"),
        ("---\ndate: 5 May\n---\n### Q?\n\nA.", "date '5 May' is not YYYY-MM-DD"),
        ("---\nstatus: live\n---\n### Q?\n\nA.", "status 'live' is not one of"),
        ("---\nlinks:\n  website: javascript:alert(1)\n---\n### Q?\n\nA.", "not an http"),
        ("---\nlinks:\n  myspace: https://x.example\n---\n### Q?\n\nA.", "unknown link myspace"),
        ("---\nname: [Ada, Bob]\n---\n### Q?\n\nA.", "'name' should be text"),
        ("---\ndate: 2021-02-30\n---\n### Q?\n\nA.", "a value YAML cannot read"),
        ("---\nname: !!int 0x\n---\n### Q?\n\nA.", "a value YAML cannot read"),
        ("---\nname: !!bool maybe\n---\n### Q?\n\nA.", "a value YAML cannot read"),
        (" \n\n", "the file is empty"),
        ("---\nname: Ada\n---\n" + "Just some thoughts, no questions. " * 10, "no questions found"),
    ],
)
def test_broken_files_say_why(text, reason):
    with pytest.raises(ImportFileError, match=reason):
        parse_interview(text.encode())


def test_bytes_that_are_not_utf8_are_reported_with_byte_and_offset():
    with pytest.raises(ImportFileError) as exc:
        parse_interview("### Café?\n\nA.".encode() + b"\n\xe9t\xe9\n")
    assert str(exc.value) == "not UTF-8 text (byte 0xe9 at offset 15)"  # é is 2 bytes in UTF-8


def test_a_status_the_importer_cannot_recreate_becomes_a_draft_with_a_note():
    parsed = parse("---\nstatus: withdrawn\n---\n### Q one?\n\nA.")
    assert parsed.front.status == "draft"
    assert parsed.notes == ["status 'withdrawn' is imported as a draft"]


def test_a_file_too_large_to_be_an_interview_is_refused():
    with pytest.raises(
        ImportFileError, match=r"too large to be an interview \(over 1,000,000 bytes\)"
    ):
        parse_interview(b"x" * 1_000_001)


# --- ApplyingML's shape -----------------------------------------------------------------

APPLYINGML = """
---
name: "Ada Example"
role: "Senior Applied Scientist @ Example Corp"
description: ""
date: "2021-9-7"
slug: "/mentors/ada-example/"
type: "mentor"
---

Learn more about Ada on her [site](https://ada.example.com/), [Twitter](https://twitter.com/ada), and [LinkedIn](https://www.linkedin.com/in/ada/).

### *How do you spend your time day-to-day?*

Reading.
"""


def test_applyingml_front_matter_is_read_as_it_is_written():
    parsed = parse(APPLYINGML)
    front = parsed.front
    assert (front.name, front.slug, front.role, front.company, front.bio) == (
        "Ada Example",
        "ada-example",
        "Senior Applied Scientist",
        "Example Corp",
        None,  # an empty description leaves the bio as it is
    )
    assert front.date == dt.date(2021, 9, 7)
    assert front.links == {
        "website": "https://ada.example.com/",
        "linkedin": "https://www.linkedin.com/in/ada/",
        "github": "",
        "x": "https://twitter.com/ada",
    }
    assert parsed.intro == ""
    assert [q.text for q in parsed.questions] == ["How do you spend your time day-to-day?"]


@pytest.mark.parametrize(
    ("sentence", "links", "intro"),
    [
        (
            "Learn more about Bo at [LinkedIn](https://linkedin.com/in/bo) and "
            "[Twitter](https://x.com/bo).",
            {"linkedin": "https://linkedin.com/in/bo", "x": "https://x.com/bo"},
            "",
        ),
        (
            "Learn more about Bo on his [blog](https://bo.example.net/posts) and "
            "[GitHub](https://github.com/bo). Bo also mentors new analysts.",
            {"website": "https://bo.example.net/posts", "github": "https://github.com/bo"},
            "Bo also mentors new analysts.",
        ),
        (
            "learn more about Bo on their [site](https://bo.example.net/).\n\nA second paragraph.",
            {"website": "https://bo.example.net/"},
            "A second paragraph.",
        ),
    ],
)
def test_the_learn_more_sentence_becomes_profile_links(sentence, links, intro):
    text = f"---\nname: Bo\n---\n\n{sentence}\n\n### How do you spend your time day-to-day?\n\nA.\n"
    parsed = parse_interview(text.encode())
    assert {k: v for k, v in parsed.front.links.items() if v} == links
    assert parsed.intro == intro


def test_a_link_with_no_profile_field_keeps_the_sentence():
    sentence = (
        "Learn more about Bo on his [site](https://bo.example.net), [Twitter](https://x.com/bo) "
        "and the [community](https://forum.example.org/u/bo)."
    )
    text = f"---\nname: Bo\n---\n\n{sentence}\n\n### How do you spend your time day-to-day?\n\nA.\n"
    parsed = parse_interview(text.encode())
    assert parsed.intro == sentence
    assert parsed.front.links["x"] == "https://x.com/bo"
    assert parsed.notes == [
        "the 'Learn more about' sentence stays in the intro: no profile field for "
        "https://forum.example.org/u/bo"
    ]


def test_homepage_is_the_website_and_a_site_link_to_it_fits():
    text = APPLYINGML.replace(
        'type: "mentor"', 'type: "mentor"\nhomepage: "https://ada.example.com"'
    )
    assert parse(text).front.links["website"] == "https://ada.example.com"
    assert parse(text).intro == ""


def test_explicit_company_and_bio_win_over_the_applyingml_keys():
    text = APPLYINGML.replace(
        'description: ""', 'description: "From the old site."\nbio: Mine.\ncompany: Other Co'
    )
    front = parse(text).front
    assert (front.role, front.company, front.bio) == (
        "Senior Applied Scientist",
        "Other Co",
        "Mine.",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (APPLYINGML.replace('type: "mentor"', 'type: "template"'), "type: template"),
        (
            "---\nname: Sol\n---\n\nLearn more about Sol on their [X](https://x.com/sol).\n\n"
            "Coming soon!\n",
            "no questions: placeholder",
        ),
        ("---\nname: Sol\n---\n", "no questions: placeholder"),
    ],
)
def test_templates_and_placeholders_are_skipped_not_failed(text, reason):
    with pytest.raises(ImportSkipped, match=reason):
        parse(text)


def test_older_bold_question_lines_are_read_too():
    text = APPLYINGML.replace(
        "### *How do you spend your time day-to-day?*", "**How do you spend your time day-to-day?**"
    )
    assert [q.text for q in parse(text).questions] == ["How do you spend your time day-to-day?"]


# --- Pasted text ------------------------------------------------------------------------

POST = """This week on the blog: a conversation with Ada about forecasting.

She has built models for ten years.

How do you spend your time day-to-day?

Reading “papers”, mostly.

And meetings.

“What’s your favourite editor?”

Vim.

More articles about machine learning

Disclosure: some links are affiliate links.
"""


def test_a_paste_starts_at_the_first_question_and_ends_before_the_footer():
    paste = Paste(POST)
    assert (paste.start, paste.end) == (3, 7)
    assert [block.role for block in paste.blocks] == [
        "left out: before the start",
        "left out: before the start",
        "question 1",
        "answer to question 1",
        "answer to question 1",
        "question 2",
        "answer to question 2",
        "left out: after the end",
        "left out: after the end",
    ]
    parsed = parse_interview(paste.cut().encode())
    assert [(q.text, q.answer) for q in parsed.questions] == [
        ("How do you spend your time day-to-day?", "Reading “papers”, mostly.\n\nAnd meetings."),
        ("What’s your favourite editor?", "Vim."),  # its quotes are not part of the question
    ]


def test_the_editor_moves_the_start_and_end():
    paste = Paste(POST, start=2, end=8)
    assert [block.role for block in paste.blocks][:3] == [
        "left out: before the start",
        "intro",
        "question 1",
    ]
    assert paste.blocks[7].role == "answer to question 2"
    parsed = parse_interview(paste.cut().encode())
    assert parsed.intro == "She has built models for ten years."
    assert parsed.questions[-1].answer == "Vim.\n\nMore articles about machine learning"


def test_a_start_or_end_out_of_range_falls_back_to_the_defaults():
    paste = Paste(POST, start=99, end=1)
    assert (paste.start, paste.end) == (3, 7)


@pytest.mark.parametrize(
    ("paragraph", "intro", "website"),
    [
        # No links: the sentence is the intro's own.
        ("Learn more about her work below. She builds maps.", None, None),
        ("Learn more about Ada at ada.example.com.", None, None),
        # A full stop in the name, and parentheses in a URL.
        (
            "Learn more about J. R. Smith on their [site](https://en.wikipedia.org/wiki/Smith_(ML)).",
            "",
            "https://en.wikipedia.org/wiki/Smith_(ML)",
        ),
    ],
)
def test_the_learn_more_sentence_is_only_taken_when_it_lists_links(paragraph, intro, website):
    text = f"---\nname: J\n---\n\n{paragraph}\n\n### How do you spend your time day-to-day?\n\nA.\n"
    parsed = parse_interview(text.encode())
    assert parsed.intro == (paragraph if intro is None else intro)
    assert (parsed.front.links or {}).get("website") == website


def test_an_answer_that_starts_like_a_footer_is_not_cut():
    text = POST.replace(
        "Vim.\n", "Vim.\n\nSubscribe to our newsletter, I tell every new hire, " + "and read. " * 30
    )
    paste = Paste(text)
    assert paste.blocks[paste.end - 1].text.startswith("More articles") is False
    assert paste.blocks[7].role == "answer to question 2"  # the long paragraph stays in


def test_two_questions_in_one_paragraph_are_both_labelled():
    paste = Paste("**How do you spend your time?**\n**What do you read?**\n\nPapers.\n")
    assert [block.role for block in paste.blocks] == [
        "question 1, question 2",
        "answer to question 2",
    ]


# --- The block structure, as the renderer reads it ----------------------------------


def test_setext_headings_are_questions_and_their_underline_is_not_the_answer():
    assert questions(
        """
        What is your role?
        ==================

        I build forecasts.

        How did you start?
        ==================

        By accident.
        """
    ) == [("What is your role?", "I build forecasts."), ("How did you start?", "By accident.")]


def test_a_bold_line_inside_a_list_item_stays_in_the_answer():
    assert questions(
        """
        **What do you use?**

        - A notebook

          **Why not a spreadsheet?**

          Versions.

        **What would you change?**

        Nothing.
        """
    ) == [
        (
            "What do you use?",
            "- A notebook\n\n  **Why not a spreadsheet?**\n\n  Versions.",
        ),
        ("What would you change?", "Nothing."),
    ]


def test_emphasis_that_closes_before_the_line_ends_is_not_a_marked_line():
    parsed = parse(
        """
        ### What do you use?

        **Python** and **SQL**?

        ### Anything else?

        No.
        """
    )
    assert [q.text for q in parsed.questions] == ["What do you use?", "Anything else?"]


def test_a_footnote_defined_at_the_end_is_copied_whole_into_the_answer_that_cites_it():
    assert questions(
        """
        ### What do you read?

        Papers[^1].

        ### Anything else?

        No.

        [^1]: Mostly on ranking.

            And some on evaluation.
        """
    )[0] == (
        "What do you read?",
        "Papers[^1].\n\n[^1]: Mostly on ranking.\n\n    And some on evaluation.",
    )


def test_answers_that_each_define_their_own_first_footnote_keep_their_own():
    # Read over the whole file the parser keeps one [^1]; each answer has its own.
    assert questions(
        """
        ### What do you read?

        Papers[^1].

        [^1]: Mostly on ranking.

        ### What do you do on Fridays?

        Read queries[^1].

        [^1]: Two hundred of them.
        """
    ) == [
        ("What do you read?", "Papers[^1].\n\n[^1]: Mostly on ranking."),
        ("What do you do on Fridays?", "Read queries[^1].\n\n[^1]: Two hundred of them."),
    ]
