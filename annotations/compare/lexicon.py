"""Loaded wording: words that carry a judgement, and where one is standard, their neutral names.

How it was built: written by hand from general knowledge of news language and of the guidance
newsrooms publish on it -- the terms style guides (AP, Reuters, the BBC's, the Guardian's) tell
reporters to avoid, attribute or replace (occupied / administered territory, freedom fighters,
terrorists, regime, illegal aliens, death tax, pro-life, ObamaCare, so-called), the verbs of saying
that judge what they report (claimed, admitted, insisted, slammed, blasted, refused), the emotive
verbs and nouns of conflict and change (slaughtered, gutted, skyrocketed, tirade, firestorm), and
the evaluative adjectives and adverbs that editorialise a report (explosive, scathing, disgraced,
bizarre, brazenly). The loaded-language and subjectivity literature (one-sided terms, factive and
assertive verbs, intensifiers) guided the categories. It was written before the development
pairs' loaded spans were read; it is not learned from any data set.

A line of ``_TABLE`` is ``category: loaded terms | neutral terms``; terms are separated by commas
and written as lemmas with their part of speech, so their inflections are generated here:
``v:slam`` matches slam, slams, slammed, slamming; ``n:thug`` thug and thugs; ``a:scathing`` only
itself. In a term of several words the verb is its first word ("v:lash out": lashed out) and the
noun its last ("n:freedom fighter": freedom fighters). Hyphens count as spaces ("a:so-called").
A modifier (``a:`` and the participles) qualifies the word after it, which is marked with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from .text import fold, word_list


@dataclass(frozen=True)
class Term:
    lemma: str  # the term as the table writes it: what a held-out run switches off
    category: str
    forms: tuple[tuple[str, ...], ...]  # every inflection, as word sequences
    neutral: tuple[Term, ...] = ()
    modifier: bool = False  # qualifies the next word ("occupied Kashmir", "scathing report")


_VOWELS = set("aeiou")


def _verb_forms(w: str) -> set[str]:
    out = {w, w + "s", w + "es", w + "ed", w + "ing"}
    if w.endswith("e"):
        out |= {w + "d", w[:-1] + "ing"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in _VOWELS:
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) >= 3 and w[-1] not in _VOWELS | set("wxy") and w[-2] in _VOWELS:
        out |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # slammed, ripped (and harmless extras)
    return out


def _noun_forms(w: str) -> set[str]:
    out = {w, w + "s", w + "es"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in _VOWELS:
        out.add(w[:-1] + "ies")
    if w.endswith("man"):
        out.add(w[:-3] + "men")
    return out


_IRREGULAR = {
    "steal": {"stole", "stolen"},
    "seek": {"sought"},
    "fight": {"fought"},
    "lie": {"lying", "lied"},
    "bring": {"brought"},
    "take": {"took", "taken"},
}


def _term(spec: str, category: str, neutral: tuple[Term, ...] = ()) -> Term:
    pos, _, text = spec.partition(":")
    parts = word_list(text.replace("-", " "))
    if pos == "v":
        heads = _verb_forms(parts[0]) | _IRREGULAR.get(parts[0], set())
        forms = {(h, *parts[1:]) for h in heads}
    elif pos == "n":
        forms = {(*parts[:-1], t) for t in _noun_forms(parts[-1])}
    elif pos in ("a", "m"):
        forms = {tuple(parts)}
    else:
        raise ValueError(f"bad term {spec!r}")
    modifier = pos in ("a", "m") and category in _MODIFYING
    return Term(text.strip(), category, tuple(sorted(forms)), neutral, modifier)


# Categories whose words qualify the next one: the span is the term and what it qualifies.
_MODIFYING = frozenset(
    {"evaluative adjective", "evaluative adverb", "contested label", "insinuating label"}
)

# category: loaded terms | neutral terms (m: marks a term matched as written, never a modifier)
_TABLE = """
contested label: a:occupied, n:occupation | a:administered, a:administrated, a:controlled, a:held, \
    n:rule, n:control, n:administration
contested label: n:freedom fighter, n:holy warrior, n:mujahideen | n:militant, n:rebel, \
    n:insurgent, n:separatist, n:guerrilla, n:fighter
contested label: n:terrorist, n:terror group, n:terror organization, n:terror outfit, \
    n:jihadist, n:jihadi | n:militant, n:militant group, n:insurgent, n:attacker, n:gunman, \
    n:fighter, n:extremist
contested label: n:death cult, n:terror network | n:group, n:organization, n:militant group
contested label: n:regime | n:government, n:administration, n:leadership
contested label: n:illegal alien, n:illegal immigrant, n:illegals, n:alien, n:anchor baby \
    | n:undocumented immigrant, n:immigrant, n:migrant
contested label: n:amnesty | n:legalization, n:path to citizenship, n:legal status
contested label: n:chain migration | n:family based immigration, n:family reunification
contested label: m:pro-life, m:pro-lifer | m:anti-abortion, n:abortion opponent
contested label: m:pro-abortion, m:pro-choice, n:abortion on demand | m:abortion rights
contested label: n:partial birth abortion | n:late term abortion
contested label: n:death tax | n:estate tax, n:inheritance tax
contested label: m:ObamaCare, n:government takeover, n:socialized medicine, \
    n:government run health care | n:health care law, n:health law, n:Affordable Care Act, \
    n:health care overhaul
contested label: n:death panel | n:advisory board, n:end of life counseling
contested label: n:tax relief, n:tax hike, n:tax grab | n:tax cut, n:tax increase, n:tax change
contested label: n:job creator | n:employer, n:business owner, n:business
contested label: n:voucher | n:premium support, n:subsidy, n:payment
contested label: n:entitlement | n:program, n:benefit, n:social security, n:medicare
contested label: n:handout, n:giveaway, n:freebie | n:aid, n:benefit, n:subsidy, n:payment
contested label: n:bailout | n:rescue, n:aid, n:loan
contested label: n:collusion | n:coordination, n:contact, n:tie
contested label: n:hush money | n:payment, n:settlement
contested label: n:slush fund | n:fund, n:account
contested label: n:witch hunt, n:fishing expedition, n:hoax, n:smear campaign, n:hit job | \
    n:investigation, n:inquiry, n:probe, n:review
contested label: n:enhanced interrogation, n:collateral damage | n:torture, n:civilian death
contested label: n:climate denier, n:denier | n:skeptic
contested label: n:gun grabber, n:gun safety | n:gun control
contested label: n:Democrat Party | n:Democratic Party
contested label: n:thug, n:mob, n:rioter, n:looter | n:protester, n:demonstrator, n:crowd
contested label: n:riot | n:protest, n:demonstration, n:unrest
contested label: n:massacre, n:bloodbath, n:carnage | n:attack, n:killing, n:shooting
contested label: n:propaganda | n:statement, n:message, n:claim
contested label: n:scheme, n:ploy, n:stunt, n:gimmick | n:plan, n:proposal, n:program, n:effort
contested label: n:power grab | n:move, n:effort, n:plan
contested label: n:crony, n:henchman, n:minion, n:stooge, n:puppet, n:lackey, n:flunky, \
    n:fixer, n:operative | n:ally, n:aide, n:associate, n:adviser, n:lawyer, n:attorney
contested label: n:mistress, n:lover, n:paramour | n:woman, n:colleague, n:relationship
contested label: n:kickback, n:payoff, n:bribe | n:payment, n:contribution
contested label: n:crusade, n:vendetta, n:jihad | n:campaign, n:effort, n:investigation
contested label: n:hostage, n:hostage taker, n:blackmail, n:extortion, n:ransom | n:block, \
    n:delay, n:condition, n:demand
contested label: n:obstruction, n:obstructionist, n:stonewalling | n:opposition, n:block, n:delay
contested label: n:pork, n:pork barrel, n:boondoggle, n:earmark, n:wish list, \
    n:wasteful spending | n:spending, n:project, n:funding, n:provision
contested label: n:taxpayer money, n:taxpayer dollar, n:taxpayer funded | n:public money, \
    n:public fund, n:federal fund, n:government money
contested label: n:class warfare | n:tax increase, n:tax policy
contested label: n:fake news, n:hit piece, n:smear | n:report, n:story, n:article, n:coverage
contested label: n:liberal media, n:mainstream media, n:MSM, n:lamestream | n:media, n:press, \
    n:news organization
contested label: n:scandal | n:controversy, n:case, n:matter, n:investigation
contested label: n:cover up, n:coverup | n:response, n:handling
contested label: n:lie, n:falsehood | n:statement, n:claim, n:remark
contested label: n:cult | n:group, n:movement, n:following
contested label: n:elite, n:elitist | n:leader, n:official, n:lawmaker
contested label: n:RINO, n:lefty, n:leftist, n:libtard, n:snowflake, n:Trumper, \
    n:never Trumper, n:birther, n:truther, n:conspiracy theorist, n:conspiracy theory | \
    n:critic, n:opponent, n:supporter, n:theory, n:claim
insinuating label: a:Kremlin-backed, a:Kremlin-linked, a:Kremlin-connected, a:Moscow-backed, \
    a:Russia-linked, a:Kremlin-tied, a:self-styled, a:self-proclaimed, a:self-described, \
    a:so-called, a:would-be, a:wannabe, a:shadowy, a:secretive, a:cozy, a:chummy, a:shady | \
    a:Russian
evaluative adjective: a:extremist, a:radical, a:far-left, a:far-right, a:ultra-conservative, \
    a:ultraconservative, a:ultra-liberal, a:hard-line, a:hardline, a:fanatical, \
    a:fringe, a:loony, a:wacky, a:socialist, a:anti-Trump, a:anti-Obama, a:pro-Trump, \
    a:Trump-hating, a:Obama-hating, a:left-wing, a:right-wing, a:leftist | a:liberal, \
    a:conservative, a:progressive, a:Democratic, a:Republican
evaluative adjective: a:disgraced, a:embattled, a:beleaguered, a:besieged, a:scandal-plagued, \
    a:scandal-ridden, a:scandal-scarred, a:troubled, a:tainted, a:discredited, a:notorious, \
    a:infamous, a:defiant, a:unrepentant, a:combative, a:feisty, a:fiery, a:bombastic, a:brash, \
    a:erratic, a:unhinged, a:hapless, a:inept, a:incompetent, a:desperate, a:vindictive, \
    a:petty, a:spiteful, a:hypocritical, a:crooked, a:corrupt, a:dishonest, a:sleazy, a:shameless
evaluative adjective: a:explosive, a:bombshell, a:scathing, a:blistering, a:withering, \
    a:damning, a:devastating, a:stunning, a:shocking, a:astonishing, a:staggering, a:whopping, \
    a:sensational, a:salacious, a:lurid, a:tawdry, a:sordid, a:steamy, a:torrid, a:illicit, \
    a:lavish, a:luxurious, a:extravagant, a:opulent, a:cushy, a:plush, a:posh, a:swanky, \
    a:paltry, a:meager, a:measly, a:mere, a:sweeping, \
    a:unprecedented, a:draconian, a:harsh, a:brutal, a:vicious, a:savage, a:barbaric, \
    a:heinous, a:horrific, a:horrendous, a:appalling, a:atrocious, a:outrageous, a:disgraceful, \
    a:shameful, a:despicable, a:deplorable, a:scandalous, a:reckless, a:dangerous, a:disastrous, \
    a:catastrophic, a:crippling, a:job-killing, a:job-crushing, a:failed, a:failing, \
    a:bizarre, a:ridiculous, a:absurd, a:laughable, a:ludicrous, a:baseless, \
    a:unfounded, a:bogus, a:phony, a:dubious, a:questionable, a:controversial, a:divisive, \
    a:polarizing, a:inflammatory, a:incendiary, a:racist, a:sexist, a:bigoted, a:xenophobic, \
    a:hateful, a:vile, a:nasty, a:ugly, a:bitter, a:acrimonious, a:rancorous, \
    a:partisan, a:hyperpartisan, a:rigged, a:cynical, \
    a:brazen, a:blatant, a:flagrant, a:egregious, a:unseemly, a:unethical, a:seedy
evaluative adverb: m:abruptly, m:brazenly, m:shamelessly, m:blatantly, m:flagrantly, m:flatly, \
    m:bizarrely, m:stunningly, m:shockingly, m:astonishingly, m:conveniently, m:curiously, \
    m:suspiciously, m:falsely, m:wrongly, m:baselessly, m:angrily, m:furiously, m:defiantly, \
    m:desperately, m:quietly, m:secretly, m:sharply, m:bitterly, m:fiercely, m:vehemently, \
    m:harshly, m:dramatically, m:wildly, m:recklessly, m:cynically, m:stubbornly, m:grudgingly, \
    m:reluctantly, m:merely, m:notoriously, m:infamously, \
    m:unceremoniously, m:summarily, m:hastily
verb of saying: v:claim, v:insist, v:admit, v:concede, v:confess, v:allege, v:assert, \
    v:contend, v:maintain, v:boast, v:brag, v:tout, v:trumpet, v:crow, v:gloat, v:whine, \
    v:complain, v:gripe, v:grumble, v:moan, v:fume, v:rage, v:rant, v:rave, v:scream, v:shriek, \
    v:yell, v:bark, v:snap, v:sneer, v:scoff, v:snipe, v:quip, v:taunt, v:mock, v:ridicule, \
    v:deride, v:vow, v:threaten, v:plead, v:beg, v:lecture, v:preach, \
    v:reveal, v:expose, v:uncover, v:point out, v:dodge, v:duck, v:evade, \
    v:sidestep, v:stonewall, v:refuse, v:fail to | v:say, v:state, v:tell, v:add, \
    v:note, v:respond, v:reply, v:answer, v:decline, v:write, v:announce, v:report, v:explain
emotive verb: v:slam, v:blast, v:rip, v:lash out, v:rail against, v:rail at, v:hammer, \
    v:bash, v:torch, v:skewer, v:excoriate, v:eviscerate, v:lambaste, v:berate, v:scold, \
    v:chide, v:castigate, v:savage, v:pummel, v:trash, v:slap, v:smack, v:spar, \
    v:feud, v:assail, v:denounce, v:condemn, v:decry, v:rebuke, v:reprimand, \
    v:take aim, v:go after, v:pile on, v:double down, v:walk back, v:flip flop, v:backpedal, \
    v:cave, v:capitulate, v:back down, v:surrender, v:fold | v:criticize, v:criticise, \
    v:question, v:disagree, v:respond, v:oppose, v:challenge, v:object, v:say, v:change, \
    v:reverse, v:agree, v:accept
emotive verb: v:slaughter, v:massacre, v:butcher, v:mow down, v:gun down, \
    v:exterminate, v:annihilate, v:wipe out | v:kill, v:shoot, v:die, v:attack
emotive verb: v:gut, v:slash, v:raid, v:rob, v:loot, v:plunder, v:squeeze, v:decimate, \
    v:hack away, v:take away, v:steal, v:siphon, v:pilfer, v:funnel, v:divert, v:seize, \
    v:grab, v:hijack, v:ram through, v:jam through, v:railroad, v:bulldoze, v:strong arm, \
    v:muscle | v:cut, v:reduce, v:save, v:take, v:use, v:move, v:spend, v:pass, v:approve, \
    v:obtain, v:hack, v:leak, v:release, v:publish, v:transfer
emotive verb: v:skyrocket, v:soar, v:explode, v:balloon, v:surge, v:spike, v:plummet, \
    v:plunge, v:tank, v:crater, v:collapse, v:nosedive, v:tumble, v:crash | v:rise, \
    v:increase, v:grow, v:climb, v:fall, v:drop, v:decline, v:decrease
emotive verb: v:lie, v:mislead, v:deceive, v:con, v:dupe, v:smear, v:trash talk, \
    v:demonize, v:vilify, v:scapegoat, v:bully, v:intimidate, v:harass, v:stalk, v:prey on, \
    v:cover up, v:whitewash, v:scheme, v:plot, v:conspire, v:collude, v:meddle | v:say, \
    v:state, v:criticize, v:pressure, v:plan, v:coordinate, v:interfere, v:contact
emotive noun: n:tirade, n:rant, n:outburst, n:diatribe, n:screed, n:harangue, n:broadside, \
    n:meltdown, n:temper tantrum, n:tantrum, n:rampage, n:onslaught, n:barrage, n:salvo, \
    n:brawl, n:showdown, n:feud, n:spat, \
    n:firestorm, n:uproar, n:furor, n:furore, n:outcry, n:backlash, n:brouhaha, n:fiasco, \
    n:debacle, n:chaos, n:turmoil, n:circus, n:mess, n:quagmire, n:nightmare, n:bombshell, \
    n:rebuke, n:slap, n:snub, n:humiliation, n:embarrassment, n:disgrace, \
    n:stunt, n:charade, n:sham, n:farce, n:travesty, n:cave in, n:capitulation, n:surrender, \
    n:u turn, n:flip flop, n:about face, n:climbdown | n:remarks, n:comment, n:speech, \
    n:statement, n:criticism, n:response, n:dispute, n:disagreement, n:debate, n:reaction, \
    n:vote, n:decision, n:change, n:reversal, n:process, n:hearing, n:meeting
"""


def _parse(table: str) -> list[Term]:
    out: list[Term] = []
    for line in table.replace("\\\n", " ").strip().splitlines():
        category, _, rest = line.partition(":")
        loaded, _, neutral = rest.partition("|")
        category = category.strip()
        plain = tuple(_term(s.strip(), "neutral") for s in neutral.split(",") if s.strip())
        out.extend(_term(s.strip(), category, plain) for s in loaded.split(",") if s.strip())
    return out


TERMS: list[Term] = _parse(_TABLE)


class Lexicon:
    """Terms indexed by their first word, found in a text's words in one pass."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        self.index: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        seen: set[tuple[tuple[str, ...], str]] = set()
        for t in self.terms:
            for form in t.forms:
                if (form, t.lemma) in seen:
                    continue
                seen.add((form, t.lemma))
                self.index.setdefault(form[0], []).append((form, t))
        for hits in self.index.values():
            hits.sort(key=lambda h: -len(h[0]))  # the longest term at a position wins

    def find(self, norms: Sequence[str]) -> list[tuple[int, int, Term]]:
        """``(first word, past the last word, term)`` of every term in a word sequence, the
        longest at each position, none overlapping."""
        out: list[tuple[int, int, Term]] = []
        i = 0
        while i < len(norms):
            for form, term in self.index.get(norms[i], ()):
                if tuple(norms[i : i + len(form)]) == form:
                    out.append((i, i + len(form), term))
                    i += len(form)
                    break
            else:
                i += 1
        return out

    @cached_property
    def lemmas(self) -> frozenset[str]:
        return frozenset(t.lemma for t in self.terms)


def terms_in(text: str, terms: Sequence[Term] | None = None) -> list[Term]:
    """The terms found in ``text`` (what a held-out evaluation switches off)."""
    lex = Lexicon(TERMS if terms is None else terms)
    return [t for _, _, t in lex.find([fold(w) for w in word_list(text.replace("-", " "))])]
