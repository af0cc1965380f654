"""Hand-made articles for the story tests: three outlets' reports of one event (a ferry that
sank on Lake Kivu), told in their own words, and two reports of other events."""

from __future__ import annotations

from datetime import date

FERRY_DAY = date(2024, 3, 9)

FERRY_COURIER = (
    "Ferry capsizes on Lake Kivu, killing at least 48\n\n"
    "At least 48 people drowned when an overloaded ferry capsized on Lake Kivu near Goma on "
    "Saturday, officials said. The MV Amani was carrying 212 passengers from Bukavu when it "
    "was hit by a storm a few hundred metres from the shore.\n\n"
    "Captain Joseph Mbeki, who survived, told reporters the boat had taken on water after its "
    "engine failed. Rescue teams pulled 131 survivors from the water.\n\n"
    "Provincial governor Amani Kasongo declared three days of mourning and promised an "
    "inquiry into why the ferry was allowed to leave Bukavu with so many passengers."
)

FERRY_HERALD = (
    "Dozens dead as overloaded boat sinks near Goma\n\n"
    "An overloaded passenger boat sank in a storm on Lake Kivu on Saturday, and rescuers said "
    "48 bodies had been recovered near Goma by the evening. The MV Amani had left Bukavu with "
    "212 people on board, more than twice its licensed capacity.\n\n"
    "Governor Amani Kasongo ordered an inquiry and three days of mourning. Survivors said the "
    "engine stopped before the waves hit; the captain, Joseph Mbeki, was being questioned.\n\n"
    "About 131 passengers were rescued by fishermen and navy divers."
)

FERRY_GAZETTE = (
    "Inquiry ordered after Lake Kivu ferry disaster\n\n"
    "Investigators in Goma began questioning Captain Joseph Mbeki on Sunday, a day after the "
    "MV Amani capsized on Lake Kivu with 212 passengers aboard. The death toll rose to 48, "
    "while 131 people survived.\n\n"
    "Governor Amani Kasongo said the ferry had been overloaded when it left Bukavu and that "
    "its owners would answer for it. Relatives waited at the port for news of the missing."
)

BUDGET_COURIER = (
    "Springfield council approves transit budget\n\n"
    "The Springfield city council voted 7 to 2 on Tuesday to approve a $36 million budget for "
    "new electric buses and a tram line along Maple Avenue. Mayor Linda Ortiz said the first "
    "buses would run next spring.\n\n"
    "Councillor Peter Hale, who voted against, said the tram would cost twice the estimate and "
    "called for a referendum."
)

ELECTION_HERALD = (
    "Opposition wins mayoral race in Valmont\n\n"
    "Opposition candidate Grace Adeyemi won the mayoral election in Valmont with 54 percent "
    "of the vote, ending twelve years of rule by the Civic Alliance. Turnout was 61 percent, "
    "the highest in two decades.\n\n"
    "Her rival, outgoing deputy mayor Henri Lacombe, conceded late on Sunday and promised "
    "to work with the new council on the harbour redevelopment."
)
