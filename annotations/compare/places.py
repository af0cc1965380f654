"""Place names a news article is likely to write: countries, US states, and capitals and large
cities. A place outside the list still counts when the text writes it as one ("in Amshipora",
"near Shopian"). Folded (lower case, straight apostrophes); multi-word names as written."""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(n.strip() for n in text.split(",") if n.strip())


COUNTRIES = _names(
    """
    afghanistan, albania, algeria, andorra, angola, antigua, argentina, armenia, australia,
    austria, azerbaijan, bahamas, bahrain, bangladesh, barbados, belarus, belgium, belize, benin,
    bhutan, bolivia, bosnia, botswana, brazil, brunei, bulgaria, burkina faso, burundi, cambodia,
    cameroon, canada, cape verde, chad, chile, china, colombia, comoros, congo, costa rica,
    croatia, cuba, cyprus, czech republic, czechia, denmark, djibouti, dominica,
    dominican republic, ecuador, egypt, el salvador, eritrea, estonia, eswatini, ethiopia, fiji,
    finland, france, gabon, gambia, georgia, germany, ghana, greece, grenada, guatemala, guinea,
    guyana, haiti, honduras, hungary, iceland, india, indonesia, iran, iraq, ireland, israel,
    italy, ivory coast, jamaica, japan, jordan, kazakhstan, kenya, kiribati, kosovo, kuwait,
    kyrgyzstan, laos, latvia, lebanon, lesotho, liberia, libya, liechtenstein, lithuania,
    luxembourg, madagascar, malawi, malaysia, maldives, mali, malta, mauritania, mauritius,
    mexico, micronesia, moldova, monaco, mongolia, montenegro, morocco, mozambique, myanmar,
    burma, namibia, nauru, nepal, netherlands, holland, new zealand, nicaragua, niger, nigeria,
    north korea, north macedonia, norway, oman, pakistan, palau, palestine, panama,
    papua new guinea, paraguay, peru, philippines, poland, portugal, qatar, romania, russia,
    rwanda, samoa, san marino, saudi arabia, senegal, serbia, seychelles, sierra leone,
    singapore, slovakia, slovenia, somalia, south africa, south korea, south sudan, spain,
    sri lanka, sudan, suriname, sweden, switzerland, syria, taiwan, tajikistan, tanzania,
    thailand, togo, tonga, trinidad, tunisia, turkey, turkmenistan, tuvalu, uganda, ukraine,
    united arab emirates, united kingdom, britain, great britain, england, scotland, wales,
    united states, america, uruguay, uzbekistan, vanuatu, venezuela, vietnam, yemen, zambia,
    zimbabwe, gaza, west bank, crimea, kashmir, tibet, kurdistan, chechnya, darfur, europe,
    africa, asia, middle east, latin america
    """
)

US_STATES = _names(
    """
    alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida,
    hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine, maryland,
    massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska, nevada,
    new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio,
    oklahoma, oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee, texas,
    utah, vermont, virginia, washington state, west virginia, wisconsin, wyoming, puerto rico
    """
)

CITIES = _names(
    """
    washington, new york city, los angeles, chicago, houston, philadelphia, phoenix, san antonio,
    san diego, dallas, san francisco, seattle, boston, detroit, miami, atlanta, baltimore,
    denver, las vegas, new orleans, london, paris, berlin, rome, madrid, moscow, kyiv, kiev,
    beijing, shanghai, hong kong, tokyo, seoul, pyongyang, delhi, new delhi, mumbai, karachi,
    islamabad, kabul, tehran, baghdad, damascus, beirut, jerusalem, tel aviv, cairo, riyadh,
    dubai, istanbul, ankara, athens, brussels, amsterdam, vienna, warsaw, geneva, stockholm,
    oslo, copenhagen, dublin, lisbon, mexico city, havana, caracas, bogota, lima, brasilia,
    sao paulo, rio de janeiro, buenos aires, ottawa, toronto, montreal, sydney, canberra,
    jakarta, manila, bangkok, hanoi, singapore city, nairobi, lagos, johannesburg, cape town,
    colombo, dhaka, srinagar, mosul, raqqa, aleppo, kandahar, tripoli, khartoum, mogadishu
    """
)

PLACES = COUNTRIES | US_STATES | CITIES

# Words that make a name a place wherever it is written: "Lake Kivu", "Mount Kenya".
PLACE_WORDS = _names(
    """
    lake, mount, mountains, river, gulf, bay, sea, ocean, island, islands, peninsula, valley,
    cape, port, fort, strait, desert, county, province, district, region, city
    """
)

# Words that follow "in" or "at" without being places: institutions and programmes.
NOT_PLACES = _names(
    """
    congress, senate, house, court, office, department, ministry, committee, parliament,
    medicare, medicaid, party, campaign, government, administration, cabinet, council, agency,
    army, navy, police, white house, pentagon, twitter, facebook, youtube, instagram
    """
)
