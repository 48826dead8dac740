"""What the rules know and how far they look: the cue verbs (saying, belief, naming,
commitment), the nouns of speech, documents, unnamed and vague sources and organisations,
pronoun and gender words, and the bounds that keep the work per paragraph linear."""

from __future__ import annotations

import re

# --- lexicons --------------------------------------------------------------------------

#: Verbs of saying (lemmas). With a clause they make reported speech; next to quote
#: marks they attribute a direct quote.
SPEECH_VERBS = frozenset("""
say tell add note state announce urge warn claim allege counter argue insist mention
highlight stress emphasise emphasize acknowledge admit explain declare report write tweet
post confirm deny reiterate repeat suggest predict promise pledge vow assert contend
maintain respond reply answer ask recall concede complain caution observe remark comment
testify disclose reveal indicate signal boast joke quip estimate conclude agree disagree
continue describe call dismiss criticise criticize accuse blame praise question lament
affirm reaffirm recount inform brief advise propose recommend demand appeal threaten swear
assure reassure forecast hint imply clarify specify speculate exclaim shout yell plead
order instruct retort rebut refute dispute object protest charge contend stipulate
proclaim pronounce preach concur agree reason theorize theorise surmise muse wonder
allow grant guarantee vow celebrate hail welcome laud slam decry condemn
denounce mock ridicule blast
""".split())

#: Verbs of belief and perception that PolNeAR-style attribution includes ("observers
#: believe", "experts fear"): cues only with a clause, never for direct quotes.
BELIEF_VERBS = frozenset("""
believe think fear expect suspect doubt worry feel hope reckon figure guess assume
""".split())

#: Cues whose content is an object followed by an infinitive ("urged the leaders to").
OBJECT_INFINITIVE_VERBS = frozenset("""
urge ask tell call warn advise encourage order instruct invite press implore beg appeal
request challenge remind
""".split())

#: Verbs of evaluation: they attribute quoted words ("slammed the plan as 'reckless'"),
#: never a clause of reported speech.
QUOTE_ONLY_VERBS = frozenset("""
celebrate hail welcome laud slam decry condemn denounce mock ridicule blast praise criticise
criticize accuse blame dismiss lament
""".split())

#: Commitments whose content is an infinitive ("pledged to shut down ...").
COMMISSIVE_VERBS = frozenset("""
promise pledge vow threaten offer agree refuse decline swear propose plan
""".split())

#: Cues whose object is what was said ("announced his resignation").
OBJECT_CONTENT_VERBS = frozenset("""
announce mention deny confirm reveal promise pledge vow predict propose
recommend demand tweet post repeat recall cite quote reiterate
""".split())
_NEGATIONS = frozenset({"not", "n't", "never", "no"})

#: Inanimate sources that do speak ("the report said", "the complaint alleged"); other
#: subjects of a cue other than "say" must be able to speak ("the attacks highlight the
#: threat" is no attribution).
DOCUMENT_NOUNS = frozenset("""
report poll survey study statement complaint letter memo ad advertisement document data
analysis filing lawsuit ruling indictment order release tweet post message video email
website site article story editorial book transcript record records figures estimate
account documents
""".split())

#: Cues that only introduce quoted words, not a clause ("called it a 'disaster'").
NAMING_VERBS = frozenset({"describe", "call", "dub", "brand", "label", "term"})

#: Nouns that make a subject's possessor the speaker ("Macron's statement").
SPEECH_NOUNS = frozenset("""
statement statements remark remarks comment comments word words speech speeches report
reports data figure figures estimate estimates tweet tweets post posts interview
interviews letter announcement release testimony account accounts analysis survey poll
polls study findings assessment address message
""".split())

#: Heads of unnamed sources.
ANON_HEADS = frozenset("""
official source aide adviser advisor insider diplomat staffer spokesman spokeswoman
spokesperson person individual officer employee worker engineer member lawmaker
legislator negotiator investigator executive strategist operative representative
authority resident witness survivor doctor nurse soldier commander officer manager
administrator agent envoy minister ambassador employee insider participant attendee
man woman boy girl child kid student teacher mother father voter protester
""".split())

#: Heads of vague attributions: no identifiable speaker at all.
VAGUE_HEADS = frozenset("""
critic analyst observer expert commentator pundit skeptic sceptic opponent supporter
proponent detractor people voice media press many some others several few most everyone
someone somebody anyone everybody rumor rumour scholar economist scientist
""".split())

#: Words that make an unnamed source explicitly anonymous.
_ANONYMITY = re.compile(
    r"anonym|not (?:to )?be (?:named|identified)|not authori[sz]ed|speaking on condition|"
    r"familiar with|close to|declined to be|requested not|asked not|who spoke privately",
    re.I,
)

#: Heads of organisation-like descriptions ("the ministry", "the company").
ORG_HEADS = frozenset("""
ministry company commission government agency council committee report statement campaign
party administration department office court police army military operator firm group
organisation organization union board authority embassy service inquiry panel network
newspaper outlet channel broadcaster station agency kremlin team
""".split())

#: Labels before a colon that are not speakers ("Source: ...", "UPDATE: ...").
_NOT_SPEAKERS = frozenset("""
source sources update note photo photos watch read related editor transcript video
advertisement correction disclosure image credit caption
""".split())

_VERB_AS_NOUN = frozenset("""
says tells claims warns argues insists notes adds writes predicts urges vows promises
pledges announces reports
""".split())

_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_MALE_WORDS = frozenset({"mr", "sir", "lord", "king", "prince", "father", "brother", "husband",
                         "son", "spokesman", "chairman", "congressman", "businessman"})
_FEMALE_WORDS = frozenset({"mrs", "ms", "miss", "lady", "dame", "queen", "princess", "mother",
                           "sister", "wife", "daughter", "spokeswoman", "chairwoman",
                           "congresswoman", "businesswoman"})
_RELATIVE = frozenset({"who", "which", "that"})
_PERSON_LABELS = frozenset({"PERSON"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_QUANTIFIERS = frozenset({"some", "many", "several", "most", "few", "other", "various",
                          "numerous", "certain"})

# --- bounds: keep the work per paragraph bounded whatever the input ----------------------

MAX_QUOTE_CHARS = 8000  # one direct quote, even across paragraphs
MAX_QUOTE_PARAGRAPHS = 6
MAX_SINGLE_QUOTE_CHARS = 600  # single marks double as apostrophes: keep them short
MAX_QUOTES_PER_PARAGRAPH = 100
MAX_SENTENCE_TOKENS = 250  # longer "sentences" (no punctuation) get no parse-based search
MAX_CUES_PER_SENTENCE = 12
MAX_FRAME_TOKENS = 60
PRONOUN_WINDOW = 40  # person mentions looked back at for a pronoun
ROLE_WINDOW = 200  # mentions (and earlier quotes) looked back at for a role
PARTIAL_MAX_WORDS = 4
MAX_FUZZY_NAMES = 50  # surnames compared for a spelling variant
